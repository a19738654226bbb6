"""The work every worker repeats on a schedule: the SLA sweep, sending due notifications and folding the
rollup journal into the dashboards' tables.

Every `civicdesk worker` runs this schedule; no single "scheduler" process has to stay alive. Running the
same job in several workers at once is safe by construction: the sweep and delivery claim each row with a
conditional UPDATE, so each warning is recorded, and each notification sent, by one worker only."""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)


def sla_sweep():
    from civicdesk.cases.sweep import sweep

    return sweep()


def deliver_notifications():
    from civicdesk.notify.delivery import deliver_due

    return deliver_due()


def fold_rollups():
    from civicdesk.insight.rollups import fold_all

    return fold_all(max_batches=50)


def mine_hotspots():
    from civicdesk.insight.hotspot_store import mine_scheduled

    return len(mine_scheduled())


def forget_rate_counters():
    from civicdesk.ratelimit.limits import forget_old

    return forget_old()


@dataclass
class Job:
    name: str
    run: object
    seconds: float


def schedule():
    return [
        Job("sla_sweep", sla_sweep, settings.CIVICDESK_SLA_SWEEP_SECONDS),
        Job("deliver_notifications", deliver_notifications, settings.CIVICDESK_NOTIFY_POLL_SECONDS),
        Job("fold_rollups", fold_rollups, settings.CIVICDESK_ROLLUP_SECONDS),
        Job("forget_rate_counters", forget_rate_counters, 3600),
        Job("mine_hotspots", mine_hotspots, 3600),  # each window once per local day (hotspot_store.py)
    ]


def run_once(jobs=None):
    """Runs every job once; a failing job is logged and does not stop the others. Returns {name: result}."""
    results = {}
    for job in jobs or schedule():
        close_old_connections()
        try:
            results[job.name] = job.run()
        except Exception:
            log.exception("periodic job %s failed; it runs again at its next turn", job.name)
            results[job.name] = None
    return results


def loop(stop: threading.Event, jobs=None):
    """Runs each job whenever its interval has passed, until `stop` is set."""
    jobs = jobs or schedule()
    next_run = dict.fromkeys((job.name for job in jobs), 0.0)
    try:
        while not stop.is_set():
            now = time.monotonic()
            due = [job for job in jobs if next_run[job.name] <= now]
            if due:
                results = run_once(due)
                for job in due:
                    next_run[job.name] = time.monotonic() + job.seconds
                    if results.get(job.name):
                        log.info("%s: %s", job.name, results[job.name])
            stop.wait(max(0.05, min(next_run.values()) - time.monotonic()))
    finally:
        connections.close_all()


def start(jobs=None):
    """Starts the loop in a daemon thread; returns the Event that stops it."""
    stop = threading.Event()
    threading.Thread(target=loop, args=(stop, jobs), name="civicdesk-periodic", daemon=True).start()
    return stop
