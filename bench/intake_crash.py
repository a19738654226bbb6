"""Sustained Open311 intake while the server is killed with SIGKILL and restarted, on SQLite and PostgreSQL.

Client threads post as fast as the server answers for `--seconds` (60). Halfway through, the whole
gunicorn process group is killed with SIGKILL (no chance to finish anything) and started again. A client
whose request got no answer retries it with the same client_request_id, as a careful integration does, until
it is acknowledged or the run ends. Afterwards the database is checked:

- every acknowledged request is in the database exactly once (one case per client request id);
- no case is half-written: each has its receive event, its text index, its Open311 record and the
  citizen's acknowledgment notification, and no Open311 record lacks its case.

    .venv/bin/python bench/intake_crash.py [--seconds 60] [--concurrency 8] [--workers 4] [--db both]

Prints the figures (acknowledged requests/s, downtime, retries) and exits non-zero if a check fails."""

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from open311_intake import (  # noqa: E402
    environment,
    free_port,
    on_databases,
    percentile,
    prepare,
    start_server,
)

PG_CRASH_DB = "civicdesk_crash"
WORDS = ["路灯不亮", "噪音扰民", "井盖破损", "垃圾未清运", "占道经营", "停水", "违章搭建", "公交晚点"]


class Clients:
    """Threads that post requests, retrying each until acknowledged; what was acknowledged is kept."""

    def __init__(self, port, raw_key, service_code):
        self.port, self.raw_key, self.service_code = port, raw_key, service_code
        self.acknowledged = {}  # client_request_id -> case number
        self.latencies, self.retries, self.errors = [], 0, 0
        self.first_error = self.last_error = None
        self.lock = threading.Lock()

    def body(self, request_id):
        return urllib.parse.urlencode(
            {
                "api_key": self.raw_key,
                "service_code": self.service_code,
                "lat": f"28.{random.randint(100000, 999999)}",
                "long": f"112.{random.randint(100000, 999999)}",
                "description": f"{random.choice(WORDS)}，请尽快处理（{request_id}）",
                "phone": f"139{random.randint(10000000, 99999999)}",
                "attribute[kind]": "complaint",
                "client_request_id": request_id,
            }
        )

    def post(self, body):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST",
                "/open311/v2/requests.json",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            payload = response.read()
            if response.status in (200, 201):
                return json.loads(payload)[0]["service_request_id"]
            return None
        except (OSError, http.client.HTTPException, ValueError):
            return None
        finally:
            connection.close()

    def worker(self, deadline, thread_no):
        n = 0
        while time.monotonic() < deadline:
            n += 1
            request_id = f"t{thread_no}-{n}"
            body = self.body(request_id)  # the same body for every retry of this request
            started = time.monotonic()
            while time.monotonic() < deadline:
                number = self.post(body)
                if number is not None:
                    with self.lock:
                        self.acknowledged[request_id] = number
                        self.latencies.append(time.monotonic() - started)
                    break
                with self.lock:
                    self.errors += 1
                    now = time.monotonic()
                    self.first_error = self.first_error or now
                    self.last_error = now
                    self.retries += 1
                time.sleep(0.05)

    def run(self, seconds, concurrency):
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self.worker, args=(deadline, t)) for t in range(concurrency)]
        for thread in threads:
            thread.start()
        return threads


def kill_and_restart(server, env, port, workers):
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    killed = time.monotonic()
    restarted = start_server(env, port, workers, settle=0)
    return restarted, time.monotonic() - killed


CHECK = """
import django, json, sys; django.setup()
from django.db.models import Count
from civicdesk.cases.models import Case, CaseEvent
from civicdesk.insight.models import TextBand
from civicdesk.notify.models import Notification
from civicdesk.open311.models import Submission
acknowledged = json.load(sys.stdin)
by_request = dict(Submission.objects.values_list("client_request_id", "case__number"))
per_request = Submission.objects.values("client_request_id").annotate(n=Count("pk")).filter(n__gt=1).count()
cases = Case.objects.count()
result = {
    "acknowledged_found": sum(1 for rid, number in acknowledged.items() if by_request.get(rid) == number),
    "requests_with_two_records": per_request,
    "cases": cases,
    "cases_without_receive_event": Case.objects.exclude(events__action="receive").count(),
    "cases_with_two_receive_events": CaseEvent.objects.filter(action="receive").values("case")
        .annotate(n=Count("pk")).filter(n__gt=1).count(),
    "cases_without_text_index": cases - TextBand.objects.values("case").distinct().count(),
    "cases_without_open311_record": Case.objects.filter(open311_submission__isnull=True).count(),
    "open311_records_without_case": Submission.objects.filter(case__isnull=True).count(),
    "cases_without_acknowledgment": Case.objects.exclude(notifications__rule="ack").count(),
    "stored_never_acknowledged": sum(1 for rid in by_request if rid not in acknowledged),
}
print(json.dumps(result))
"""


def bench(name, database_url, data_dir, args):
    env = environment(database_url, data_dir)
    raw_key, service_code = prepare(env)
    port = free_port()
    server = start_server(env, port, args.workers)
    clients = Clients(port, raw_key, service_code)
    started = time.monotonic()
    threads = clients.run(args.seconds, args.concurrency)
    time.sleep(args.seconds / 2)
    server, restart_seconds = kill_and_restart(server, env, port, args.workers)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    out = subprocess.run(
        [sys.executable, "-c", CHECK],
        env=env,
        input=json.dumps(clients.acknowledged),
        check=True,
        capture_output=True,
        text=True,
    )
    checked = json.loads(out.stdout)
    acknowledged = len(clients.acknowledged)
    outage = (clients.last_error - clients.first_error) if clients.first_error else 0.0
    print(
        f"\n== {name}: gunicorn {args.workers} workers, {args.concurrency} clients, {elapsed:.0f} s,"
        " SIGKILL at half time"
    )
    print(f"  acknowledged {acknowledged} requests, {acknowledged / elapsed:.1f} req/s overall")
    print(
        f"  latency p50 {percentile(clients.latencies, 50) * 1000:.0f} ms, p99 "
        f"{percentile(clients.latencies, 99) * 1000:.0f} ms, max {max(clients.latencies, default=0):.1f} s"
        " (a request sent during the restart waits for it)"
    )
    print(
        f"  server back {restart_seconds:.1f} s after the kill; clients saw errors for {outage:.1f} s,"
        f" {clients.retries} retries"
    )
    for key, value in checked.items():
        print(f"  {key:32} {value}")
    ok = (
        checked["acknowledged_found"] == acknowledged
        and checked["requests_with_two_records"] == 0
        and checked["cases_with_two_receive_events"] == 0
        and checked["cases_without_receive_event"] == 0
        and checked["cases_without_text_index"] == 0
        and checked["cases_without_open311_record"] == 0
        and checked["open311_records_without_case"] == 0
        and checked["cases_without_acknowledgment"] == 0
    )
    print("  every acknowledged request stored exactly once, no case half-written:", "yes" if ok else "NO")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    sys.exit(0 if on_databases(parser.parse_args(), bench, PG_CRASH_DB) else 1)


if __name__ == "__main__":
    main()
