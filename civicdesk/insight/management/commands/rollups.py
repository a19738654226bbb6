"""civicdesk rollups [--rebuild]: fold the rollup journal now, or recompute the rollup from the ledger."""

import time

from django.core.management.base import BaseCommand

from civicdesk.insight import rollups
from civicdesk.insight.models import CaseRollup, RollupDelta


class Command(BaseCommand):
    help = (
        "Fold pending rollup deltas into the dashboards' tables (workers do this every few seconds), or with "
        "--rebuild recompute every rollup row from the ledger (after a time-zone change, a restructured "
        "category tree or a restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute the rollup from the ledger")

    def handle(self, *args, rebuild, **options):
        started = time.perf_counter()
        if rebuild:
            cases, cells = rollups.rebuild()
            self.stdout.write(f"rebuilt from {cases} cases: {cells} rollup rows")
        else:
            applied = rollups.fold_all()
            self.stdout.write(f"folded {applied} journal rows")
        self.stdout.write(
            f"{CaseRollup.objects.count()} rollup rows, {RollupDelta.objects.count()} pending deltas, "
            f"{time.perf_counter() - started:.1f} s"
        )
