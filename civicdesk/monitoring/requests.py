"""Counting requests across processes: each process keeps its counts in memory and writes them, at most
every FLUSH_SECONDS, to a file of its own under DATA_DIR/metrics/; /metrics adds the files up. Counters of
processes that ended stay in their files, so totals only grow (as Prometheus counters must)."""

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings

FLUSH_SECONDS = 2.0

_lock = threading.Lock()
_counts = Counter()  # (method, status class) -> requests
_seconds = Counter()  # (method, status class) -> total seconds
_last_flush = 0.0


def directory():
    return Path(settings.DATA_DIR) / "metrics"


def _file():
    return directory() / f"requests-{os.uname().nodename}-{os.getpid()}.json"


def flush():
    global _last_flush
    with _lock:
        data = {"|".join(key): [_counts[key], _seconds[key]] for key in _counts}
        _last_flush = time.monotonic()
    target = _file()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(data))
    partial.replace(target)  # readers never see half a file


def record(method, status, seconds):
    key = (
        method if method in ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE") else "other",
        f"{status // 100}xx",
    )
    with _lock:
        _counts[key] += 1
        _seconds[key] += seconds
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def totals():
    """{(method, status class): [requests, seconds]} summed over every process's file."""
    summed = {}
    for path in directory().glob("requests-*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for key, (count, seconds) in data.items():
            entry = summed.setdefault(tuple(key.split("|")), [0, 0.0])
            entry[0] += count
            entry[1] += seconds
    return summed


class CountRequests:
    """Middleware: times and counts every request by method and status class."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        record(request.method, response.status_code, time.perf_counter() - started)
        return response
