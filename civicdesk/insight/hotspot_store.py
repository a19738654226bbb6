"""Hotspots mined on a schedule and stored, so the hotspot page opens at once on a ledger of millions.

Every worker runs `mine_scheduled` (periodic.py); a run per window (30, 90, 180 days) and local day is
claimed by inserting its unique slot, so the city is mined once a day however many workers there are. The
page shows the newest finished run for its window and can still mine on demand (and a leader's view, which
is limited to their unit's cases, is always mined on demand)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from civicdesk.cases import clock
from civicdesk.cases.models import Case, CaseState

from . import hotspots
from .models import HotspotRun, StoredHotspot

WINDOWS = (30, 90, 180)
KEEP = 20  # hotspots stored per run
KEEP_RUNS = 14  # runs kept per window


def mine(cases, days, now, top):
    """(hotspots, scanned) among `cases` received in the last `days` days; each hotspot carries `numbers`
    (its cases) and `representative_number`."""
    rows = (
        cases.filter(received_at__gte=now - timedelta(days=days))
        .exclude(state__in=[CaseState.INVALID, CaseState.WITHDRAWN])
        .values_list("pk", "number", "title", "description", "citizen_id", "received_at")
    )
    numbers, items = {}, []
    for pk, number, title, description, citizen_id, received_at in rows.iterator(chunk_size=5000):
        numbers[pk] = number
        items.append(hotspots.Item(pk, title, description, citizen_id or f"case-{pk}", received_at))
    found = hotspots.mine(items, now, top=top)
    for spot in found:
        spot.numbers = [numbers[m.key] for m in spot.members]
        spot.representative_number = numbers[spot.representative.key]
    return found, len(items)


def mine_scheduled(now=None):
    """Mines each window once per local day (if no other worker has); returns the runs this call made."""
    now = now or clock.now()
    made = []
    for days in WINDOWS:
        slot = f"{timezone.localtime(now).date().isoformat()}:{days}"
        try:
            with transaction.atomic():
                run = HotspotRun.objects.create(slot=slot, days=days, started_at=now)
        except IntegrityError:
            continue  # another worker has this one
        found, scanned = mine(Case.objects.all(), days, now, KEEP)
        with transaction.atomic():
            StoredHotspot.objects.bulk_create(
                StoredHotspot(
                    run=run,
                    rank=rank,
                    heat=spot.heat,
                    place=spot.place[:100],
                    representative_number=spot.representative_number,
                    representative_title=spot.representative.title[:200],
                    numbers=spot.numbers[:500],
                    people=spot.people,
                    support=spot.support,
                    first_at=spot.first_at,
                    last_at=spot.last_at,
                )
                for rank, spot in enumerate(found, start=1)
            )
            HotspotRun.objects.filter(pk=run.pk).update(finished_at=clock.now(), scanned=scanned)
            old = HotspotRun.objects.filter(days=days).order_by("-started_at").values_list("pk", flat=True)
            HotspotRun.objects.filter(pk__in=list(old[KEEP_RUNS:])).delete()
        made.append(run)
    return made


def latest(days):
    """The newest finished run of a window, or None."""
    return HotspotRun.objects.filter(days=days, finished_at__isnull=False).order_by("-started_at").first()
