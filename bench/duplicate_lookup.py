"""Duplicate lookup at intake, timed on an existing ledger: the database of DATABASE_URL as it is.

    DATABASE_URL=postgres://…/civicdesk .venv/bin/python bench/duplicate_lookup.py [--requests 2000]

Draws requests from the shipped board messages (../shared/data/teddy2020c), popular texts more often, each
from a caller picked at random among the ledger's citizens, and times `duplicates.check` for each: p50,
p99, max, and how many found a duplicate. Run it on the database `insight_scale.py` leaves behind with
BENCH_KEEP=1 (a million open and recent cases at ten million), alone on the machine, to measure the lookup
without the bench's other work beside it. It reads only; nothing is written."""

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--data", default=None, help="the teddy2020c folder (default: ../shared/…)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.utils import timezone
    from insight_scale import DATA, load_texts, lookups

    from civicdesk.cases.models import Citizen
    from civicdesk.insight import duplicates
    from civicdesk.insight.models import TextBand

    texts = load_texts(Path(args.data) if args.data else DATA)
    rng = random.Random(20261123)
    now = timezone.now()
    window = TextBand.objects.filter(received_at__gte=now - duplicates.WINDOW)
    print(
        f"text index: {window.values('case_id').distinct().count():,} cases in the window, "
        f"{window.count():,} band keys",
        flush=True,
    )
    top = Citizen.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    citizens = {c.pk: c for c in Citizen.objects.filter(pk__in=[rng.randint(1, top) for _ in range(2000)])}
    callers = list(citizens.values()) or [None]
    lookups(texts, callers, rng, now, args.requests)


if __name__ == "__main__":
    main()
