"""Open311 intake under load, served by gunicorn, on SQLite and on PostgreSQL.

For each database: a fresh database, gunicorn with several workers, client threads firing POST requests.json
(the full intake path: validation, deadline, case, event log, idempotency record) and, in the same run, POSTs
to a bare Django view that inserts one row. The two are interleaved in rounds so that the shared machine's
noise falls on both. Prints requests/s, p50/p99 latency, the ratio of the two, and checks that every
acknowledged request is in the database exactly once with its event.

    .venv/bin/python bench/open311_intake.py [--seconds 20] [--concurrency 8] [--workers 4] [--db both]

The intake path includes classification, the duplicate check and the citizen's acknowledgment notification;
this script measures whatever the path holds when it runs. Figures and their reading: docs/api.md."""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "civicdesk_bench"


def environment(database_url, data_dir):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}",
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        DB_CONN_MAX_AGE="60",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # One key sends everything here: raise its limit so that requests are counted (the cost stays in
        # the path) but never refused.
        CIVICDESK_RATE_LIMITS="open311_post=100000000/m",
    )
    return env


def prepare(env):
    """Migrates a fresh database, creates the bare table and an API key; returns (raw key, service code)."""
    subprocess.run([VENV_BIN / "civicdesk", "migrate", "-v0"], env=env, check=True)
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from civicdesk.org.models import Role, Unit, User\n"
        "from civicdesk.catalogue.models import Category\n"
        "from civicdesk.open311.models import ApiKey\n"
        "sqlite = connection.vendor == 'sqlite'\n"
        "pk = 'INTEGER PRIMARY KEY AUTOINCREMENT' if sqlite else 'BIGSERIAL PRIMARY KEY'\n"
        "with connection.cursor() as c:\n"
        "    c.execute(f'CREATE TABLE IF NOT EXISTS bench_row (id {pk}, body TEXT, created_at TIMESTAMP)')\n"
        "center = Unit.objects.create(name='12345热线中心', code='center', kind='center')\n"
        "user = User.objects.create_user('bench', role=Role.OPERATOR, unit=center)\n"
        "key, raw = ApiKey.issue('bench', user)\n"
        "cat = Category.objects.get(full_name='城乡建设/城市建设和市政管理/城市公共设施')\n"
        "print(raw, cat.pk)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    raw, service_code = out.stdout.split()
    return raw, service_code


def free_port():
    """A free port below Linux's ephemeral range (32768+), where the client's closed connections linger."""
    for _ in range(100):
        port = random.randint(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port")


def start_server(env, port, workers, settle=3):
    server = subprocess.Popen(
        [
            VENV_BIN / "gunicorn",
            "civicdesk.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                server.port = port
                time.sleep(settle)  # the first worker answers; let the others finish starting (warm-up)
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


class Load:
    """Client threads posting for a while; latencies and acknowledged ids are kept."""

    def __init__(self, port, path, body_for, ack="service_request_id"):
        self.port, self.path, self.body_for, self.ack = port, path, body_for, ack
        self.latencies, self.acknowledged, self.failures = [], [], 0
        self.lock = threading.Lock()

    def worker(self, deadline, thread_no):
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            body = urllib.parse.urlencode(self.body_for(thread_no, n), doseq=True)
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request(
                    "POST", self.path, body, {"Content-Type": "application/x-www-form-urlencoded"}
                )
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 201
            except OSError:
                ok, payload = False, b""
            elapsed = time.perf_counter() - started
            with self.lock:
                if ok:
                    self.latencies.append(elapsed)
                    self.acknowledged.append(json.loads(payload)[0][self.ack])
                else:
                    self.failures += 1

    def run(self, seconds, concurrency):
        deadline = time.perf_counter() + seconds
        threads = [threading.Thread(target=self.worker, args=(deadline, t)) for t in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def percentile(values, p):
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")
    )


def verify(env, numbers, bare_ids, tokens=()):
    """Every acknowledged case exists once with its receive event; every acknowledged bare row exists."""
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.db import connection\n"
        "from civicdesk.cases.models import Case, CaseEvent\n"
        "from civicdesk.open311.models import Submission\n"
        "numbers, bare, tokens = json.load(sys.stdin)\n"
        "queued = 0\n"
        "for i in range(0, len(tokens), 500):\n"
        "    queued += Submission.objects.filter(token__in=tokens[i:i+500], case=None).count()\n"
        "found = set()\n"
        "for i in range(0, len(numbers), 500):\n"
        "    chunk = Case.objects.filter(number__in=numbers[i:i+500])\n"
        "    found |= set(chunk.values_list('number', flat=True))\n"
        "events = CaseEvent.objects.filter(action='receive').count()\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT COUNT(*) FROM bench_row'); rows = c.fetchone()[0]\n"
        "cases = Case.objects.count()\n"
        "result = {'found': len(found), 'cases': cases, 'events': events, 'rows': rows, 'queued': queued}\n"
        "print(json.dumps(result))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        input=json.dumps([numbers, bare_ids, list(tokens)]),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def interleave(args, bare, intake):
    """Alternates the two loads in rounds, so the machine's noise falls on both alike."""
    rounds = 2
    for _ in range(rounds):
        bare.run(args.seconds / rounds, args.concurrency)
        intake.run(args.seconds / rounds, args.concurrency)


def report(mode, bare, intake, seconds):
    intake_rate, bare_rate = len(intake.latencies) / seconds, len(bare.latencies) / seconds
    print(f"  -- {mode}")
    for label, load, rate in (("bare insert view", bare, bare_rate), ("Open311 intake", intake, intake_rate)):
        print(
            f"  {label:17} {rate:8.1f} req/s   p50 {percentile(load.latencies, 50) * 1000:6.1f} ms"
            f"   p99 {percentile(load.latencies, 99) * 1000:6.1f} ms   failures {load.failures}"
        )
    print(f"  ratio intake/bare  {intake_rate / bare_rate:.2f}  (target >= 0.60)")


def bench(name, database_url, data_dir, args):
    env = environment(database_url, data_dir)
    raw_key, service_code = prepare(env)
    server = start_server(env, free_port(), args.workers)
    words = ["路灯不亮", "噪音扰民", "井盖破损", "垃圾未清运", "占道经营", "停水", "违章搭建", "公交晚点"]

    def open311_body(thread_no, n):
        return {
            "api_key": raw_key,
            "service_code": service_code,
            "lat": f"28.{random.randint(100000, 999999)}",
            "long": f"112.{random.randint(100000, 999999)}",
            "description": f"{random.choice(words)}，请尽快处理（{thread_no}-{n}）",
            "phone": f"139{random.randint(10000000, 99999999)}",
            "attribute[kind]": "complaint",
            "client_request_id": f"{name}-{thread_no}-{n}-{random.random()}",
        }

    def bare_body(thread_no, n):
        return {"description": f"{random.choice(words)}（{thread_no}-{n}）"}

    port = server.port
    full = Load(port, "/open311/v2/requests.json", open311_body)
    bare = Load(port, "/bench/bare", bare_body)
    try:
        interleave(args, bare, full)
    finally:
        stop_server(server)
    # The same with batch services: the POST is checked and stored, a token answers, a worker makes the case.
    server = start_server(dict(env, OPEN311_BATCH="true"), free_port(), args.workers)
    queued = Load(server.port, "/open311/v2/requests.json", open311_body, ack="token")
    bare_b = Load(server.port, "/bench/bare", bare_body)
    try:
        interleave(args, bare_b, queued)
    finally:
        stop_server(server)
    checked = verify(env, full.acknowledged, bare.acknowledged + bare_b.acknowledged, queued.acknowledged)
    print(
        f"\n== {name}: gunicorn {args.workers} sync workers, {args.concurrency} client threads,"
        f" {args.seconds:.0f} s each"
    )
    report("realtime", bare, full, args.seconds)
    report("batch (token)", bare_b, queued, args.seconds)
    print(
        f"  acknowledged {len(full.acknowledged)} cases: found {checked['found']} "
        f"(cases in database {checked['cases']}, receive events {checked['events']}); "
        f"bare rows acknowledged {len(bare.acknowledged) + len(bare_b.acknowledged)},"
        f" in database {checked['rows']}"
    )
    print(
        f"  batch: acknowledged {len(queued.acknowledged)} tokens; stored, waiting for the worker:"
        f" {checked['queued']}"
    )
    ok = (
        checked["found"] == len(full.acknowledged) == len(set(full.acknowledged))
        and checked["events"] == checked["cases"]
        and checked["queued"] == len(queued.acknowledged) == len(set(queued.acknowledged))
    )
    print("  every acknowledged request is in the database exactly once:", "yes" if ok else "NO")
    return ok


def on_databases(args, bench, pg_database):
    """Runs `bench(name, database_url, data_dir, args)` on a fresh SQLite file and/or a fresh PostgreSQL
    database (dropped afterwards), as `args.db` says; True when every run passed its checks."""
    results = []
    if args.db in ("sqlite", "both"):
        data_dir = Path(tempfile.mkdtemp(prefix="civicdesk-bench-"))
        try:
            results.append(bench("SQLite", f"sqlite:///{data_dir / 'bench.sqlite3'}", data_dir, args))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.db in ("postgres", "both"):
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {pg_database}")
        data_dir = Path(tempfile.mkdtemp(prefix="civicdesk-bench-"))
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        try:
            results.append(bench("PostgreSQL", f"{base}/{pg_database}", data_dir, args))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
    return all(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    sys.exit(0 if on_databases(parser.parse_args(), bench, PG_BENCH_DB) else 1)


if __name__ == "__main__":
    main()
