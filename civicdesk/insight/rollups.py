"""Rollup tables (汇总表): the ledger's counters summed by day/month, unit, area and first-level category,
kept current incrementally so the assessment and the dashboards never scan the ledger.

How it stays current:
1. Every change of a case (the actions layer's `_apply`, intake, the SLA sweep) calls `record_change` in
   its own transaction with the case as it was and as it is. A case *contributes* counters to a few cells
   (`contribution`); the change journals the difference (RollupDelta), so the rollup and the ledger can
   never disagree about a committed change, and a crash loses neither.
2. Every worker's periodic job `fold` takes journal rows (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's
   writers are serialised anyway), adds them up per cell and applies each cell's total with one upsert, in
   cell order so two workers cannot deadlock, and deletes them in the same transaction: each delta is
   counted exactly once. Figures are therefore at most one fold interval behind the ledger.
3. `rebuild` recomputes every cell from the ledger with the same `contribution` (after a time-zone change,
   a restructured category tree or a restore from an older backup); the tests check that the journal
   arrives at exactly what a rebuild computes.

The figures summed here are those of docs/assessment.md; a period is read as whole months from the month
rows and the days at either end from the day rows."""

import itertools
import math
import time
from collections import Counter, defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from civicdesk.cases.models import (
    NOT_ASSESSED,
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseState,
    Resolved,
    Satisfied,
    SlaStatus,
)

from .models import HOUR_BUCKETS, HOUR_EDGES, CaseRollup, Grain, RollupDelta

DISPATCH_ACTIONS = ("dispatch", "redispatch", "resolve_dispute")
RETURN_ACTION = "request_return"
KEY = ("grain", "bucket", "unit_id", "area_id", "category_id")
COUNTERS = tuple(
    f.attname for f in CaseRollup._meta.concrete_fields if f.attname not in ("id", "level", *KEY)
)
COUNTER_INDEX = {name: position for position, name in enumerate(COUNTERS)}
FLOAT_COUNTERS = ("hours_sum", "latitude_sum", "longitude_sum")  # sums of hours and coordinates, not counts
# The case fields a contribution depends on: a change touching none of them journals nothing.
FIELDS = (
    "state",
    "received_at",
    "responsible_unit_id",
    "area_id",
    "category_id",
    "dispatched_at",
    "first_contact_at",
    "contact_late",
    "rated_at",
    "resolved",
    "satisfied",
    "replied_at",
    "replied_late",
    "reopen_count",
    "sla_status",
    "latitude",
    "longitude",
)
FOLD_BATCH = 2000


# --- what one case contributes -----------------------------------------------------------------------


class _Lookup:
    """id → a coarser id, from a small table re-read when an id is unknown or every five minutes (moving a
    category or a community under another parent needs `rebuild` for past cases anyway)."""

    def __init__(self, load):
        self.load, self.map, self.loaded = load, {}, 0.0

    def clear(self, **_signal):
        """Forget the table (a unit or category was saved in this process); re-read at the next use."""
        self.map = {}

    def __call__(self, key):
        if not key:
            return 0
        if key not in self.map or time.monotonic() - self.loaded > 300:
            self.map, self.loaded = self.load(), time.monotonic()
        return self.map.get(key, key)


def _category_roots():
    """category → its first-level ancestor."""
    from civicdesk.catalogue.models import Category

    parents = dict(Category.objects.values_list("id", "parent_id"))
    roots = {}
    for cid in parents:
        node, hops = cid, 0
        while parents.get(node) and hops < 5:
            node, hops = parents[node], hops + 1
        roots[cid] = node
    return roots


def _street_areas():
    """area → the street/township (街乡镇) it lies in: a community counts in its street, so the rollup has
    hundreds of areas rather than thousands and a year of them sums in milliseconds."""
    from civicdesk.org.models import Unit, UnitKind

    units = {pk: (kind, parent) for pk, kind, parent in Unit.objects.values_list("id", "kind", "parent_id")}
    return {
        pk: (parent if kind == UnitKind.COMMUNITY and parent else pk) for pk, (kind, parent) in units.items()
    }


root_of = _Lookup(_category_roots)
street_of = _Lookup(_street_areas)


def hour_bucket(hours):
    for index, edge in enumerate(HOUR_EDGES):
        if hours <= edge:
            return HOUR_BUCKETS[index]
    return HOUR_BUCKETS[-1]


def values_of(case):
    return {name: getattr(case, name) for name in FIELDS}


def contribution(values, dispatched=(), returned=()):
    """{(day, unit, area, category): {counter: n}} of one case as it stands (`values`: FIELDS), with the
    units it was ever dispatched to and those that asked to return it."""
    if values is None or values["state"] == CaseState.INVALID:
        return {}
    day = timezone.localtime(values["received_at"]).date()
    area, category = street_of(values["area_id"]), root_of(values["category_id"])
    unit = values["responsible_unit_id"] or 0
    own = {"received": 1}
    if values["state"] in OPEN_STATES:
        own["open"] = 1
        if values["sla_status"] == SlaStatus.APPROACHING:
            own["approaching"] = 1
        elif values["sla_status"] == SlaStatus.OVERDUE:
            own["overdue"] = 1
    if values["latitude"] is not None and values["longitude"] is not None:
        own.update(
            located=1, latitude_sum=float(values["latitude"]), longitude_sum=float(values["longitude"])
        )
    assessed = values["state"] not in NOT_ASSESSED
    if assessed and unit and values["dispatched_at"] is not None:
        _assessment_counters(own, values)
    cells = {(day, unit, area, category): own}
    if assessed:
        for counter, units in (("dispatched_to", dispatched), ("returned", returned)):
            for other in units:
                cells.setdefault((day, other, area, category), {})[counter] = 1
    return cells


def _assessment_counters(own, v):
    own["assigned"] = 1
    contacted = v["first_contact_at"] is not None
    if contacted or v["contact_late"]:
        own["response_due"] = 1
    if contacted and not v["contact_late"]:
        own["responded"] = 1
    if v["rated_at"] is not None:
        if v["resolved"]:
            own["rated"] = 1
            if v["resolved"] == Resolved.RESOLVED:
                own["resolved"] = 1
            elif v["resolved"] == Resolved.PARTLY:
                own["partly"] = 1
        if v["satisfied"] in (Satisfied.SATISFIED, Satisfied.BASICALLY):
            own["satisfied"] = 1
    if v["replied_at"] is not None:
        own["replied"] = 1
        if not v["replied_late"]:
            own["on_time"] = 1
        hours = max(0.0, (v["replied_at"] - v["dispatched_at"]).total_seconds() / 3600)
        own.update(handled=1, hours_sum=hours)
        own[hour_bucket(hours)] = 1
    if v["reopen_count"]:
        own["reopened"] = 1


ANY = -1  # "every unit / area / category": the coarser levels of the rollup
# Each cell is also summed at three coarser levels, so the common queries read a few thousand rows a year
# whatever the ledger's size: the ranking and the units chart (per unit), the map (per area), the trend
# (per category). LEVELS maps a level to the rows holding it.
LEVELS = {"full": {"level": 0}, "unit": {"level": 1}, "area": {"level": 2}, "category": {"level": 3}}


def level_of(unit, area, category):
    if unit == ANY:
        return 2 if area != ANY else 3
    return 1 if area == ANY else 0


def level_for(dimensions):
    """The smallest level that has every dimension in `dimensions` ("unit", "area", "category")."""
    dimensions = set(dimensions)
    if len(dimensions) > 1:
        return "full"
    return dimensions.pop() if dimensions else "unit"


def _by_grain(cells, sign, into):
    """Adds `cells` (times sign) to `into`, once per grain and level."""
    for (day, unit, area, category), counters in cells.items():
        month = day.replace(day=1)
        for bucket in ((Grain.DAY, day), (Grain.MONTH, month)):
            for place in ((unit, area, category), (unit, ANY, ANY), (ANY, area, ANY), (ANY, ANY, category)):
                target = into[(*bucket, *place)]
                for name, value in counters.items():
                    target[name] += sign * value


# --- journal -----------------------------------------------------------------------------------------


def _units_of(case_id, exclude_event=None):
    """(units the case was dispatched to, units that asked to return it), from its events."""
    events = CaseEvent.objects.filter(case_id=case_id, action__in=(*DISPATCH_ACTIONS, RETURN_ACTION))
    if exclude_event is not None:
        events = events.exclude(pk=exclude_event.pk)
    dispatched, returned = set(), set()
    for action, payload, actor_unit_id in events.values_list("action", "payload", "actor_unit_id"):
        _add_unit(dispatched, returned, action, payload, actor_unit_id)
    return dispatched, returned


def _add_unit(dispatched, returned, action, payload, actor_unit_id):
    if action == RETURN_ACTION:
        if actor_unit_id:
            returned.add(actor_unit_id)
    elif (payload or {}).get("unit_id"):
        dispatched.add(payload["unit_id"])


def _key(values):
    if values is None:
        return None
    return (
        values["state"] == CaseState.INVALID,
        values["state"] in NOT_ASSESSED,
        timezone.localtime(values["received_at"]).date(),
        street_of(values["area_id"]),
        root_of(values["category_id"]),
    )


def record_change(case_id, before, after, event=None):
    """Journals what a change of one case does to the rollup; call inside the change's transaction.

    before/after: FIELDS of the case (before=None for a new case); event: the change's CaseEvent."""
    adds_unit = event is not None and event.action in (*DISPATCH_ACTIONS, RETURN_ACTION)
    if before == after and not adds_unit:
        return None
    dispatched = returned = ()
    if before is not None and (adds_unit or _key(before) != _key(after)):
        dispatched, returned = _units_of(case_id, exclude_event=event)
    dispatched_after, returned_after = set(dispatched), set(returned)
    if adds_unit:
        _add_unit(dispatched_after, returned_after, event.action, event.payload, event.actor_unit_id)
    totals = defaultdict(Counter)
    _by_grain(contribution(before, dispatched, returned), -1, totals)
    _by_grain(contribution(after, dispatched_after, returned_after), 1, totals)
    cells = [
        [grain, day.isoformat(), unit, area, category, changed]
        for (grain, day, unit, area, category), counters in sorted(totals.items())
        if (changed := {name: value for name, value in counters.items() if value})
    ]
    if cells:
        return RollupDelta.objects.create(cells=cells)
    return None


# --- folding the journal into the rollup -------------------------------------------------------------


UPSERT_ROWS = 5000


def _upsert(totals):
    """Adds each cell's counters to its row, creating the row if needed; in key order (no deadlocks)."""
    rows = (
        (
            grain,
            day,
            unit,
            area,
            category,
            level_of(unit, area, category),
            *(counters.get(c, 0) for c in COUNTERS),
        )
        for (grain, day, unit, area, category), counters in sorted(totals.items())
    )
    _write_rows(rows)


def _write_rows(rows, empty=False):
    """Upserts rows (grain, bucket, unit, area, category, level, *COUNTERS), given in key order.

    One INSERT … ON CONFLICT DO UPDATE per row. On PostgreSQL the rows travel as one array per column
    (unnest), so a fold's rows cost a statement per UPSERT_ROWS rows and no per-row round trip; SQLite
    runs in-process, where executemany is as fast. Into an `empty` table (a rebuild, which holds it
    locked) PostgreSQL takes the rows by COPY: no conflict can arise, and COPY is several times faster
    than making the arrays."""
    table = CaseRollup._meta.db_table
    columns = (*KEY, "level", *COUNTERS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    conflict = f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}"
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and empty:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":
            types = [_PG_TYPES[c] for c in columns]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) {conflict}"
            while chunk := list(itertools.islice(rows, UPSERT_ROWS)):
                columns_of_chunk = zip(*chunk, strict=True)
                cursor.execute(
                    sql,
                    [
                        [float(v) for v in column] if kind == "float8" else list(column)
                        for kind, column in zip(types, columns_of_chunk, strict=True)
                    ],
                )
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {conflict}"
            date_value = connection.ops.adapt_datefield_value
            while chunk := list(itertools.islice(rows, UPSERT_ROWS)):
                cursor.executemany(sql, [(r[0], date_value(r[1]), *r[2:]) for r in chunk])


_PG_TYPES = {
    f.column: {"DateField": "date", "FloatField": "float8", "PositiveSmallIntegerField": "int2"}.get(
        f.get_internal_type(), "int4"
    )
    for f in CaseRollup._meta.concrete_fields
}


def _lock_rollup(mode):
    """PostgreSQL: folds take the rollup table before the journal rows, a rebuild takes it whole, so the
    two never wait on each other in opposite orders."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {CaseRollup._meta.db_table} IN {mode} MODE")


def fold(limit=FOLD_BATCH):
    """Applies up to `limit` journal rows to the rollup; returns how many were applied."""
    with transaction.atomic():
        _lock_rollup("ROW EXCLUSIVE")
        journal = RollupDelta.objects.order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            journal = journal.select_for_update(skip_locked=True)
        rows = list(journal.values_list("id", "cells")[:limit])
        if not rows:
            return 0
        totals = defaultdict(Counter)
        for _id, cells in rows:
            for grain, day, unit, area, category, counters in cells:
                totals[(grain, date.fromisoformat(day), unit, area, category)].update(counters)
        _upsert(totals)
        RollupDelta.objects.filter(id__in=[row[0] for row in rows]).delete()
    return len(rows)


def fold_all(limit=FOLD_BATCH, max_batches=None):
    """Folds until the journal is empty (or max_batches were folded); returns the rows applied."""
    total, batches = 0, 0
    while max_batches is None or batches < max_batches:
        applied = fold(limit)
        total, batches = total + applied, batches + 1
        if applied < limit:
            break
    return total


def rebuild(chunk=20000):
    """Recomputes the whole rollup from the ledger in one transaction; returns (cases, cells).

    On PostgreSQL it reads one snapshot (REPEATABLE READ), so a change committed meanwhile stays in the
    journal and is folded afterwards, and it holds the rollup table so no fold runs in between."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        _lock_rollup("EXCLUSIVE")
        RollupDelta.objects.all().delete()
        CaseRollup.objects.all().delete()
        cells = defaultdict(lambda: [0] * len(COUNTERS))  # the full-level day cells
        cases = Case.objects.order_by("pk").values_list("pk", *FIELDS).iterator(chunk_size=chunk)
        events = (
            CaseEvent.objects.filter(action__in=(*DISPATCH_ACTIONS, RETURN_ACTION))
            .order_by("case_id", "pk")
            .values_list("case_id", "action", "payload", "actor_unit_id")
            .iterator(chunk_size=chunk)
        )
        pending = next(events, None)
        count = 0
        for row in cases:
            case_id, values = row[0], dict(zip(FIELDS, row[1:], strict=True))
            dispatched, returned = set(), set()
            while pending is not None and pending[0] <= case_id:
                if pending[0] == case_id:
                    _add_unit(dispatched, returned, *pending[1:])
                pending = next(events, None)
            for key, counters in contribution(values, dispatched, returned).items():
                target = cells[key]
                for name, value in counters.items():
                    target[COUNTER_INDEX[name]] += value
            count += 1
        level_keys, sums = _every_level(cells)
        del cells
        _write_rows(_as_rows(level_keys, sums), empty=True)
        # Statistics for the new rows now. PostgreSQL's autovacuum would come by later: until then the planner
        # read a district's year by a scan (167 ms instead of 32 at 100,000 cases). SQLite keeps none until
        # asked: at ten million cases it grouped a district's units by walking every row (1.2-3 s, 130 ms
        # with statistics). 8 s at ten million cases on SQLite.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CaseRollup._meta.db_table}")
    return count, len(level_keys)


def _every_level(cells):
    """The keys and counter sums of every grain and level's rows, in key order, from the full-level day
    cells {(day, unit, area, category): [counter values]}, which it empties. These are the sums `_by_grain`
    makes case by case, made once per table with numpy (a rebuild of ten million cases would otherwise add
    each case into eight rows). Keys are (grain, day ordinal, unit, area, category) with ANY for "all"."""
    import numpy as np

    if not cells:
        return np.empty((0, 5), dtype=np.int64), np.empty((0, len(COUNTERS)))
    keys = np.array([(day.toordinal(), *rest) for day, *rest in cells], dtype=np.int64)
    values = np.array(list(cells.values()), dtype=np.float64)
    cells.clear()  # the arrays hold it all now; the dict took gigabytes at ten million cases
    months = {day: date.fromordinal(day).replace(day=1).toordinal() for day in np.unique(keys[:, 0]).tolist()}
    month_of = np.vectorize(months.__getitem__, otypes=[np.int64])(keys[:, 0])
    tables = []
    for grain, buckets in ((Grain.DAY, keys[:, 0]), (Grain.MONTH, month_of)):
        for kept in ((1, 2, 3), (1,), (2,), (3,)):
            level_keys = np.full((len(keys), 5), ANY, dtype=np.int64)
            level_keys[:, 0] = grain
            level_keys[:, 1] = buckets
            for column in kept:
                level_keys[:, column + 1] = keys[:, column]
            order = np.lexsort(level_keys.T[::-1])
            ordered = level_keys[order]
            starts = np.flatnonzero(np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)])
            tables.append((ordered[starts], np.add.reduceat(values[order], starts, axis=0)))
    del keys, values
    level_keys = np.concatenate([k for k, _ in tables])
    sums = np.concatenate([v for _, v in tables])
    del tables
    order = np.lexsort(level_keys.T[::-1])  # key order, as the upsert wants it
    return level_keys[order], sums[order]


def _as_rows(level_keys, sums, chunk=50_000):
    """The rows `_write_rows` takes, made a chunk at a time (as Python objects, all of them would take
    gigabytes at ten million cases): counts rounded back to integers, sums of hours and coordinates kept."""
    import numpy as np

    floats = [COUNTER_INDEX[name] for name in FLOAT_COUNTERS]
    for start in range(0, len(level_keys), chunk):
        part = sums[start : start + chunk]
        integers, exact = part.round().astype(np.int64).tolist(), part[:, floats].tolist()
        for (grain, bucket, unit, area, category), counters, float_sums in zip(
            level_keys[start : start + chunk].tolist(), integers, exact, strict=True
        ):
            for position, value in zip(floats, float_sums, strict=True):
                counters[position] = value
            yield (
                grain,
                date.fromordinal(bucket),
                unit,
                area,
                category,
                level_of(unit, area, category),
                *counters,
            )


# --- reading -----------------------------------------------------------------------------------------


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_filter(start, end):
    """The rollup rows that sum to the days [start, end): whole months from month rows, the rest from
    day rows."""
    first_month = start if start.day == 1 else add_months(start, 1)
    last_month = end.replace(day=1)
    if first_month >= last_month:
        return Q(grain=Grain.DAY, bucket__gte=start, bucket__lt=end)
    rows = Q(grain=Grain.MONTH, bucket__gte=first_month, bucket__lt=last_month)
    if start < first_month:
        rows |= Q(grain=Grain.DAY, bucket__gte=start, bucket__lt=first_month)
    if last_month < end:
        rows |= Q(grain=Grain.DAY, bucket__gte=last_month, bucket__lt=end)
    return rows


def sums(start, end, by=(), counters=COUNTERS, level="unit", **filters):
    """Counters summed over [start, end) at a level (LEVELS), grouped by `by` (rollup columns), with extra
    row filters."""
    rows = CaseRollup.objects.filter(period_filter(start, end), **LEVELS[level], **filters)
    aggregates = {name: Sum(name) for name in counters}
    if by:
        return [
            {k: (v or 0) for k, v in row.items()}
            for row in rows.values(*by).annotate(**aggregates).order_by(*by)
        ]
    return [{k: (v or 0) for k, v in rows.aggregate(**aggregates).items()}]


def percentile(histogram, share):
    """The upper edge (hours) of the histogram bucket holding the `share` quantile, nearest rank: "this
    share of cases were handled within N hours". None without cases; math.inf past the last edge."""
    total = sum(histogram)
    if not total:
        return None
    wanted = math.ceil(share * total)
    running = 0
    for index, count in enumerate(histogram):
        running += count
        if running >= wanted:
            return HOUR_EDGES[index] if index < len(HOUR_EDGES) else math.inf
    return math.inf
