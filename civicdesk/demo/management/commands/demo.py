import sys
import time

from django.core.management.base import BaseCommand, CommandError

from civicdesk.cases.models import Case
from civicdesk.demo.accounts import DEMO_PASSWORD
from civicdesk.demo.builder import build
from civicdesk.org.models import Unit


class Command(BaseCommand):
    help = "Build the demo city and a few thousand cases replayed over recent months (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
        parser.add_argument(
            "--days", type=int, default=120, help="period the cases spread over (default 120)"
        )
        parser.add_argument("--seed", type=int, default=12345, help="random seed, for a repeatable ledger")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database already holds units or cases"
        )

    def handle(self, *args, cases, days, seed, if_empty, **options):
        if cases < 1 or days < 1:
            raise CommandError("--cases and --days must be at least 1")
        if Unit.objects.exists() or Case.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; demo not loaded.")
                return
            raise CommandError(
                "The database already has units or cases; the demo only loads into an empty ledger. "
                "Use a fresh database (e.g. delete var/civicdesk.sqlite3 and run migrate)."
            )
        started = time.monotonic()
        interactive = sys.stdout.isatty()

        def progress(done, total):
            if interactive and (done % 50 == 0 or done == total):
                self.stdout.write(f"\r  {done}/{total} cases", ending="")
                self.stdout.flush()

        self.stdout.write(f"Building the demo city and {cases} cases over {days} days ...")
        summary = build(cases=cases, days=days, seed=seed, progress=progress)
        if interactive:
            self.stdout.write("")
        swept = summary.pop("_sweep")
        states = ", ".join(f"{state} {count}" for state, count in sorted(summary.items()))
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s: {states}; SLA sweep: {swept}.")
        self.stdout.write(f"Demo accounts use the password {DEMO_PASSWORD!r} (see README).")
