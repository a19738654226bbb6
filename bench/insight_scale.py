"""Insight at scale: the unit ranking, the dashboard and the duplicate lookup on 1 and 10 million cases.

For each database (SQLite, PostgreSQL) and each size, in a fresh database, it:
1. builds a city (16 districts, 320 streets, 3,200 communities, 40 departments, 5 utilities) and 200,000
   citizens, and writes N cases received over the last 365 days, busier towards the end (the last 30 days
   hold about a tenth of them, all still open or awaiting the callback), texts from the shipped board
   messages (../shared/data/teddy2020c), 5 % of them returned once and sent elsewhere (events);
2. rebuilds the rollup from that ledger (`rollups.rebuild`, timed);
3. times the unit ranking (month, year: each with the previous period, as the page shows it) and the
   dashboard's queries (month; year; year by area; year by category; 45 days across a month boundary,
   the worst case, read from day rows): median and slowest of 5 runs;
4. indexes the last 30 days' texts (TextBand) and times 2,000 duplicate lookups at intake (p50, p99);
5. takes 300 requests through the real intake and times folding their journal into the rollup.

    .venv/bin/python bench/insight_scale.py [--sizes 1000000,10000000] [--db both|sqlite|postgres]

BENCH_KEEP=1 keeps the database afterwards (its URL is printed); BENCH_PROFILE=1 profiles the rebuild.

Prints every figure; nothing is asserted except that the rollup's month total equals a count of the ledger."""

import argparse
import contextlib
import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "teddy2020c"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "civicdesk_bench_scale"
BATCH = 50_000
WINDOW_DAYS = 30


def say(*parts):
    print(*parts, flush=True)


# --- parent: one child process per database and size -------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    ok = True
    for size in [int(s) for s in args.sizes.split(",")]:
        for name in ("sqlite", "postgres") if args.db == "both" else (args.db,):
            ok = run(name, size, args) and ok
    return 0 if ok else 1


def run(name, size, args):
    data_dir = Path(tempfile.mkdtemp(prefix="civicdesk-scale-", dir=os.environ.get("BENCH_TMP")))
    if name == "sqlite":
        url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{PG_DB}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
    }
    say(f"\n=== {'SQLite' if name == 'sqlite' else 'PostgreSQL'}, {size:,} cases ===")
    try:
        command = [sys.executable, __file__, "--child", "--size", str(size), "--data", args.data]
        return subprocess.run(command, env=env, cwd=ROOT).returncode == 0
    finally:
        if os.environ.get("BENCH_KEEP"):  # to look at the data afterwards (EXPLAIN a query)
            say(f"kept: DATABASE_URL={url} DATA_DIR={data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            if name == "postgres":
                import psycopg

                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


# --- child: one database, one size -------------------------------------------------------------------


def child(args):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(20261123)
    started = time.perf_counter()
    city = build_city()
    texts = load_texts(Path(args.data))
    say(f"city: {len(city.communities)} communities, {len(city.units)} units; {len(texts)} message texts")
    recent = write_ledger(args.size, city, texts, rng)
    say(f"ledger written: {args.size:,} cases in {time.perf_counter() - started:.0f} s")
    rebuild_rollup()
    check_month_total(city)
    time_queries(city)
    time_duplicates(recent, texts, rng)
    time_incremental(city, texts, rng)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"peak memory of this run: {peak:.0f} MB; total {time.perf_counter() - started:.0f} s")
    return 0


class City:
    pass


def build_city():
    from django.db import transaction

    from civicdesk.catalogue.models import Category
    from civicdesk.org.models import Unit, UnitKind

    city = City()
    with transaction.atomic():
        root = Unit.objects.create(name="A市", code="city", kind=UnitKind.CITY)
        Unit.objects.create(name="12345热线中心", code="center", kind=UnitKind.CENTER, parent=root)
        city.districts, city.streets, city.communities = [], [], []
        city.parent = {}
        for d in range(16):
            district = Unit.objects.create(
                name=f"第{d + 1}区", code=f"d{d}", kind=UnitKind.DISTRICT, parent=root
            )
            city.districts.append(district.pk)
            for s in range(20):
                street = Unit.objects.create(
                    name=f"第{d + 1}区{s + 1}街道", code=f"d{d}s{s}", kind=UnitKind.STREET, parent=district
                )
                city.streets.append(street.pk)
                city.parent[street.pk] = district.pk
                for c in range(10):
                    community = Unit.objects.create(
                        name=f"{street.name}{c + 1}社区",
                        code=f"d{d}s{s}c{c}",
                        kind=UnitKind.COMMUNITY,
                        parent=street,
                    )
                    city.communities.append(community.pk)
                    city.parent[community.pk] = street.pk
        city.departments = [
            Unit.objects.create(
                name=f"市第{n + 1}局", code=f"dept{n}", kind=UnitKind.DEPARTMENT, parent=root
            ).pk
            for n in range(40)
        ]
        city.utilities = [
            Unit.objects.create(
                name=f"公用事业{n + 1}", code=f"util{n}", kind=UnitKind.UTILITY, parent=root
            ).pk
            for n in range(5)
        ]
    city.units = city.districts + city.streets + city.departments + city.utilities
    categories = list(Category.objects.values_list("id", "parent_id"))
    parents = dict(categories)
    city.categories = [pk for pk, _parent in categories]
    city.department_of = {}
    for pk in city.categories:
        node = pk
        while parents.get(node):
            node = parents[node]
        city.department_of[pk] = city.departments[node % len(city.departments)]
    # a community's place: its district on a 4×4 grid, the street and community inside it
    city.position = {}
    for index, community in enumerate(city.communities):
        d, rest = divmod(index, 200)
        s, c = divmod(rest, 10)
        city.position[community] = (
            27.9 + 0.15 * (d // 4) + 0.007 * (s // 5) + 0.0015 * c,
            112.7 + 0.15 * (d % 4) + 0.007 * (s % 5) + 0.0015 * (c % 3),
        )
    return city


def load_texts(folder):
    texts = []
    for name, title_key, body_key in (
        ("messages_labelled.csv", "title", "body"),
        ("messages_with_votes.csv", "title", "body"),
        ("messages_with_replies.csv", "title", "body"),
    ):
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                title = (row.get(title_key) or "").strip()[:60]
                body = " ".join((row.get(body_key) or "").split())[:90]
                if title and body:
                    texts.append((title, body))
    if not texts:
        texts = [(f"路灯不亮{n}", f"第{n}号路灯坏了很久，晚上出行不安全。") for n in range(1000)]
    return texts


def write_ledger(size, city, texts, rng):
    """Writes the cases and their return events with COPY (PostgreSQL) or executemany (SQLite); returns
    [(case id, title, description, citizen id, area id)] of the last 30 days."""
    from django.db import connection, transaction
    from django.utils import timezone

    from civicdesk.cases.models import Case, CaseEvent, Citizen

    now = timezone.now()
    if connection.vendor == "sqlite":
        # What ops.adapt_datetimefield_value does to an aware UTC datetime, at a tenth of its cost.
        def stamp(value):
            return None if value is None else str(value.replace(tzinfo=None))
    else:

        def stamp(value):
            return value

    with transaction.atomic():
        insert(
            connection,
            Citizen._meta.db_table,
            ["id", "name", "phone", "user_id", "created_at"],
            [(n, "", f"139{n:08d}", None, stamp(now)) for n in range(1, 200_001)],
        )
    citizens = list(Citizen.objects.values_list("id", flat=True))
    fields = Case._meta.concrete_fields
    columns = [f.column for f in fields]
    template = {}
    for f in fields:
        value = f.get_default() if f.has_default() else (None if f.null else "")
        template[f.attname] = "{}" if isinstance(value, dict) else value
    attnames = [f.attname for f in fields]
    stamped = [f.get_internal_type() == "DateTimeField" for f in fields]
    event_columns = [f.column for f in CaseEvent._meta.concrete_fields]
    start = now - timedelta(days=365)
    recent = []
    event_id = 0
    case_id = 0
    window_start = now - timedelta(days=WINDOW_DAYS)

    def received_time(n):
        # Density grows linearly from 1 to 2 over the year: position = inverse of the cumulative share.
        share = (n + rng.random()) / size
        x = -1 + (1 + 3 * share) ** 0.5  # solves (x + x²/2) / 1.5 = share for x in [0, 1]
        return start + timedelta(days=365 * x)

    with bulk_load(connection, [Case._meta.db_table, CaseEvent._meta.db_table]):
        while case_id < size:
            cases, events = [], []
            for _ in range(min(BATCH, size - case_id)):
                case_id += 1
                row, row_events, live = fake_case(
                    case_id, received_time(case_id - 1), now, city, texts, citizens, rng, template
                )
                cases.append(
                    tuple(
                        stamp(row[name]) if is_time else row[name]
                        for name, is_time in zip(attnames, stamped, strict=True)
                    )
                )
                for action, unit, actor_unit, at in row_events:
                    event_id += 1
                    payload = f'{{"unit_id": {unit}}}' if unit else "{}"
                    events.append(
                        (event_id, case_id, action, None, "", actor_unit, "", "", payload, False, stamp(at))
                    )
                if row["received_at"] >= window_start and live:
                    recent.append(
                        (
                            case_id,
                            row["title"],
                            row["description"],
                            row["citizen_id"],
                            row["area_id"],
                            row["received_at"],
                        )
                    )
            with transaction.atomic():
                insert(connection, Case._meta.db_table, columns, cases)
                if events:
                    insert(connection, CaseEvent._meta.db_table, event_columns, events)
            if case_id % 1_000_000 == 0 or case_id == size:
                say(f"  … {case_id:,} cases written")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (Citizen._meta.db_table, Case._meta.db_table, CaseEvent._meta.db_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        cursor.execute("ANALYZE")
    return recent


@contextlib.contextmanager
def bulk_load(connection, tables):
    """Loads as a restore would: without the tables' secondary indexes (made again afterwards, in one sort
    each, instead of millions of random B-tree inserts) and without foreign-key checks (the generated rows
    are consistent by construction). Prints how long making the indexes took."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            indexes = cursor.fetchall()
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({marks})",
                tables,
            )
            indexes = cursor.fetchall()
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("PRAGMA foreign_keys = ON")
    say(f"  {len(indexes)} secondary indexes made again in {time.perf_counter() - started:.0f} s")


def insert(connection, table, columns, rows):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def fake_case(n, received, now, city, texts, citizens, rng, template):
    """One case (a dict of attnames), its events [(action, unit, actor unit, time)], and is it live?"""
    from civicdesk.cases.models import Resolved, Satisfied

    row = dict(template)
    community = city.communities[int(len(city.communities) * rng.random() ** 1.6)]
    street = city.parent[community]
    category = rng.choice(city.categories)
    title, body = texts[int(len(texts) * rng.random() ** 1.3)]
    pick = rng.random()
    unit = (
        street
        if pick < 0.55
        else city.parent[street]
        if pick < 0.65
        else city.department_of[category]
        if pick < 0.95
        else rng.choice(city.utilities)
    )
    age_days = (now - received).total_seconds() / 86400
    due = received + timedelta(days=15)
    row.update(
        id=n,
        number=f"B{n:011d}",
        channel=rng.choice(("hotline", "hotline", "hotline", "web", "api")),
        kind=rng.choice(("complaint", "complaint", "help", "inquiry", "suggestion")),
        title=title,
        description=f"{body}（{rng.randint(1, 20)}号）",
        category_id=category,
        area_id=community,
        citizen_id=rng.choice(citizens),
        received_at=received,
        updated_at=received,
        clock_started_at=received,
        contact_due_at=received + timedelta(hours=24),
        due_at=due,
        warn_at=due - timedelta(days=2),
        version=3,
    )
    if rng.random() < 0.7:
        lat, lon = city.position[community]
        row.update(
            latitude=round(lat + rng.uniform(-0.0008, 0.0008), 6),
            longitude=round(lon + rng.uniform(-0.0008, 0.0008), 6),
        )
    if age_days > WINDOW_DAYS:
        state = rng.choices(
            ("closed", "replied", "merged", "withdrawn", "invalid", "accepted"), (90, 3, 2, 1, 1, 3)
        )[0]
    else:
        state = rng.choices(("received", "dispatched", "accepted", "replied"), (5, 15, 40, 40))[0]
    row["state"] = state
    live = state in ("received", "dispatched", "accepted", "replied")
    events = []
    if state in ("received", "invalid"):
        row["responsible_unit_id"] = None if state == "received" else unit
        return row, events, live
    row.update(responsible_unit_id=unit, dispatched_at=received + timedelta(minutes=10))
    if rng.random() < 0.05:  # returned by another unit first, then sent here
        first = rng.choice(city.streets)
        events += [
            ("dispatch", first, None, received + timedelta(minutes=5)),
            ("request_return", None, first, received + timedelta(minutes=7)),
        ]
    events.append(("dispatch", unit, None, received + timedelta(minutes=10)))
    if rng.random() < 0.88:
        contact = received + timedelta(hours=rng.expovariate(1 / 8))
        if contact <= now:
            row.update(first_contact_at=contact, contact_late=contact > row["contact_due_at"])
    elif row["contact_due_at"] < now:
        row["contact_late"] = True
    if state in ("closed", "replied"):
        replied = received + timedelta(hours=min(rng.expovariate(1 / 60), age_days * 24))
        row.update(replied_at=replied, replied_late=replied > due, reply="已处理。")
        if state == "closed":
            row.update(
                rated_at=replied + timedelta(days=1),
                closed_at=replied + timedelta(days=1),
                resolved=rng.choices((Resolved.RESOLVED, Resolved.PARTLY, Resolved.NOT), (75, 10, 15))[0],
                satisfied=rng.choices(
                    (Satisfied.SATISFIED, Satisfied.BASICALLY, Satisfied.NOT), (70, 15, 15)
                )[0],
                reopen_count=1 if rng.random() < 0.05 else 0,
            )
    elif state in ("dispatched", "accepted"):
        row["sla_status"] = "overdue" if due <= now else "approaching" if row["warn_at"] <= now else "on_time"
    return row, events, live


def rebuild_rollup():
    from civicdesk.insight import rollups
    from civicdesk.insight.models import CaseRollup, Grain

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        cases, cells = profile.runcall(rollups.rebuild)
        pstats.Stats(profile).sort_stats("tottime").print_stats(18)
    else:
        cases, cells = rollups.rebuild()
    seconds = time.perf_counter() - started
    days = CaseRollup.objects.filter(grain=Grain.DAY).count()
    say(
        f"rollup rebuilt from {cases:,} cases in {seconds:.0f} s ({cases / seconds:,.0f} cases/s): "
        f"{cells:,} rows ({days:,} day rows, {cells - days:,} month rows)"
    )


def check_month_total(city):
    from django.utils import timezone

    from civicdesk.cases.models import Case
    from civicdesk.insight import rollups

    today = timezone.localdate()
    first = today.replace(day=1)
    month_end = rollups.add_months(first, 1)
    zone = timezone.get_current_timezone()
    from datetime import datetime
    from datetime import time as clock_time

    counted = (
        Case.objects.filter(
            received_at__gte=datetime.combine(first, clock_time.min, tzinfo=zone),
            received_at__lt=datetime.combine(month_end, clock_time.min, tzinfo=zone),
        )
        .exclude(state="invalid")
        .count()
    )
    summed = rollups.sums(first, month_end, counters=("received",))[0]["received"]
    say(
        f"check: this month's cases in the ledger {counted:,}, in the rollup {summed:,}"
        f" -> {'equal' if counted == summed else 'DIFFERENT'}"
    )
    if counted != summed:
        raise SystemExit(1)


def timed(function, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def time_queries(city):
    from django.utils import timezone

    from civicdesk.catalogue.models import Category
    from civicdesk.insight import assessment, dashboard
    from civicdesk.org.models import Unit

    today = timezone.localdate()
    first_level = list(Unit.objects.filter(pk__in=city.districts + city.departments + city.utilities))
    this_month = assessment.month(today.year, today.month)
    last_year = assessment.Period("custom", today - timedelta(days=364), today + timedelta(days=1))
    this_year = assessment.year(today.year)
    say(f"{'query':<58} {'median ms':>10} {'max ms':>8}")
    for label, function in (
        (
            f"unit ranking, month ({len(first_level)} units, with last month)",
            lambda: assessment.ranking(first_level, this_month),
        ),
        (
            f"unit ranking, year {today.year} (with the year before)",
            lambda: assessment.ranking(first_level, this_year),
        ),
        (
            "unit ranking, last 365 days (custom: months + days)",
            lambda: assessment.ranking(first_level, last_year),
        ),
    ):
        median, worst = timed(function)
        say(f"{label:<58} {median:>10.1f} {worst:>8.1f}")
    district = Unit.objects.get(pk=city.districts[3])
    category = Category.objects.filter(level=1).order_by("pk").first()
    month_start = today.replace(day=1)
    boundary = month_start - timedelta(days=20)
    cases = {
        "month": dashboard.Filters(this_month.start, this_month.end),
        "year": dashboard.Filters(this_year.start, this_year.end),
        "year, one district": dashboard.Filters(this_year.start, this_year.end, area=district),
        "year, one category": dashboard.Filters(this_year.start, this_year.end, category=category),
        "45 days across a month boundary": dashboard.Filters(boundary, boundary + timedelta(days=45)),
    }
    slowest = 0.0
    for name, filters in cases.items():
        for part in ("totals", "trend", "areas", "units"):
            median, worst = timed(lambda p=part, f=filters: getattr(dashboard, p)(f))
            slowest = max(slowest, worst)
            say(f"{'dashboard ' + part + ', ' + name:<58} {median:>10.1f} {worst:>8.1f}")
    say(f"slowest dashboard query: {slowest:.0f} ms (target < 1000 ms)")


def time_duplicates(recent, texts, rng):
    from django.db import connection, transaction
    from django.utils import timezone

    from civicdesk.insight import similarity
    from civicdesk.insight.models import TextBand

    started = time.perf_counter()
    cache = {}
    rows = []
    for case_id, title, description, _citizen, _area, received in recent:
        key = f"{title}{description}"
        keys = cache.get(key)
        if keys is None:
            keys = cache[key] = similarity.band_keys(similarity.shingles(key))
        stamp = (
            connection.ops.adapt_datetimefield_value(received) if connection.vendor == "sqlite" else received
        )
        rows.extend((case_id, k, stamp) for k in keys)
        if len(rows) >= 600_000:
            with transaction.atomic():
                insert(connection, TextBand._meta.db_table, ["case_id", "key", "received_at"], rows)
            rows = []
    if rows:
        with transaction.atomic():
            insert(connection, TextBand._meta.db_table, ["case_id", "key", "received_at"], rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(
        f"text index: {len(recent):,} open and recent cases (last {WINDOW_DAYS} days), "
        f"{TextBand.objects.count():,} band keys, built in {time.perf_counter() - started:.0f} s"
    )
    now = timezone.now()
    from civicdesk.cases.models import Citizen

    citizen_ids = [r[3] for r in rng.sample(recent, min(2000, len(recent)))]
    citizens = {c.pk: c for c in Citizen.objects.filter(pk__in=citizen_ids)}
    lookups(texts, [citizens.get(pk) for pk in citizen_ids], rng, now)


def lookups(texts, callers, rng, now, count=2000):
    """Times `count` duplicate lookups at intake (board texts, popular ones more often; callers in turn)
    and prints p50, p99 and max."""
    from civicdesk.insight import duplicates

    times, found = [], 0
    for n in range(count):
        title, body = texts[int(len(texts) * rng.random() ** 1.3)]
        started = time.perf_counter()
        result = duplicates.check(
            title, f"{body}（{rng.randint(1, 20)}号）", citizen=callers[n % len(callers)], now=now
        )
        times.append((time.perf_counter() - started) * 1000)
        found += bool(result["matches"])
    times.sort()
    say(
        f"duplicate lookup, {count:,} requests: p50 {times[len(times) // 2]:.1f} ms,"
        f" p99 {times[int(len(times) * 0.99)]:.1f} ms, max {times[-1]:.1f} ms (target p99 < 20 ms);"
        f" {found:,} found a duplicate"
    )


def time_incremental(city, texts, rng):
    from civicdesk.cases import intake
    from civicdesk.insight import rollups
    from civicdesk.insight.models import RollupDelta

    started = time.perf_counter()
    for n in range(300):
        title, body = rng.choice(texts)
        intake.submit(
            {
                "kind": "complaint",
                "channel": "hotline",
                "title": title,
                "description": body,
                "phone": f"1370000{n:04d}",
                "area": str(rng.choice(city.communities)),
            },
            actor=None,
            require_phone=False,
            route=False,
        )
    intake_seconds = time.perf_counter() - started
    pending = RollupDelta.objects.count()
    started = time.perf_counter()
    folded = rollups.fold_all()
    seconds = time.perf_counter() - started
    say(
        f"incremental: 300 requests through the real intake in {intake_seconds:.1f} s, "
        f"{pending} journal rows folded in {seconds * 1000:.0f} ms"
        f" ({folded / max(seconds, 1e-9):,.0f} rows/s)"
    )


if __name__ == "__main__":
    sys.exit(main())
