"""Duplicates (并单) at intake: earlier cases, still open or awaiting the callback, that are the same
problem, and callers who keep calling.

A match needs text overlap (similarity.py); the bar is lower when the same person (same phone) or the same
place (same area) is behind both. Candidates come from the MinHash band index (TextBand) and the caller's own
recent cases, so a lookup reads a handful of rows however large the ledger is. The result is stored on the
new case (`Case.duplicate_check`); the dispatcher sees it in the queue and on the case page and merges with
the merge action."""

from datetime import timedelta

from django.db import connection

from civicdesk.cases.models import OPEN_STATES, Case, CaseState

from . import similarity as sim
from .models import TextBand

WINDOW = timedelta(days=30)
MATCHES = 5
CANDIDATES = 30  # the most recent: a flood of one text must not make every lookup slower
REPEAT_CALLER = 3  # cases from the same phone within WINDOW, this one included, that flag a repeat caller
LIVE_STATES = (*OPEN_STATES, CaseState.REPLIED)


def check(title, description, citizen=None, area=None, now=None, exclude=None):
    """{"matches": [{"number", "title", "score", "reasons"}], "caller_cases": n} for a request."""
    since = now - WINDOW
    grams = sim.shingles(f"{title}{description}")
    keys = sim.band_keys(grams)
    # Candidate ids first, each from its own index (an OR of two IN-subqueries would make PostgreSQL
    # scan the whole ledger): the newest cases sharing a band key, and the caller's own live cases.
    candidates = _newest_sharing_a_key(keys, since)
    caller_cases = 0
    if citizen is not None and citizen.pk:
        mine = Case.objects.filter(citizen=citizen, received_at__gte=since)
        caller_cases = mine.count()
        candidates += (
            mine.filter(state__in=LIVE_STATES)
            .order_by("-received_at")
            .values_list("pk", flat=True)[:CANDIDATES]
        )
    rows = Case.objects.filter(pk__in=candidates, state__in=LIVE_STATES)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    rows = rows.values_list("number", "title", "description", "citizen_id", "area_id")
    matches = []
    area_id = getattr(area, "pk", area)
    for number, case_title, case_description, citizen_id, case_area_id in rows:
        score = sim.jaccard(grams, sim.shingles(f"{case_title}{case_description}"))
        same_person = citizen is not None and citizen.pk is not None and citizen_id == citizen.pk
        same_place = area is not None and case_area_id == area_id
        duplicate, reasons = sim.verdict(score, same_person, same_place)
        if duplicate:
            matches.append(
                {"number": number, "title": case_title, "score": round(score, 3), "reasons": reasons}
            )
    matches.sort(key=lambda m: -m["score"])
    result = {"matches": matches[:MATCHES], "caller_cases": caller_cases + 1}
    if result["caller_cases"] >= REPEAT_CALLER:
        result["repeat_caller"] = True
    return result


def _newest_sharing_a_key(keys, since):
    """Ids of the CANDIDATES newest cases since `since` with one of the band keys, newest first.

    One LIMITed index range per key, then the newest cases of those: `key IN (…) ORDER BY received_at
    DESC LIMIT n` would read every row of every key first, and a text repeated by thousands of callers (a
    flood) made PostgreSQL's lookups slow. Each of the newest n cases overall is among the newest n of
    each of its keys, so the union holds them all; grouping by case makes them n cases, not n rows."""
    if not keys:
        return []
    table = connection.ops.quote_name(TextBand._meta.db_table)
    key = connection.ops.quote_name("key")
    one_key = (
        f"SELECT * FROM (SELECT case_id, received_at FROM {table} WHERE {key} = %s AND received_at >= %s"
        f" ORDER BY received_at DESC LIMIT {CANDIDATES}) AS band_{{n}}"
    )
    union = " UNION ALL ".join(one_key.format(n=n) for n in range(len(keys)))
    since = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id FROM ({union}) AS bands GROUP BY case_id"
            f" ORDER BY MAX(received_at) DESC, case_id DESC LIMIT {CANDIDATES}",
            [value for k in keys for value in (k, since)],
        )
        return [case_id for (case_id,) in cursor.fetchall()]


def index(case):
    """Stores the band keys of a new case's text."""
    keys = sim.band_keys(sim.shingles(f"{case.title}{case.description}"))
    TextBand.objects.bulk_create(TextBand(case=case, key=k, received_at=case.received_at) for k in keys)
