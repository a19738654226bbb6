from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicdesk.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Run the web server (development) with the periodic jobs (SLA sweep, notifications, rollup fold, "
        "hotspots) in a thread, so `make run` needs no separate worker. Prints the demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-periodic", action="store_true", help="do not run the periodic jobs here")

    def handle(self, *args, addrport, no_periodic=False, **options):
        usernames = [account.username for account in DEMO_ACCOUNTS]
        present = set(
            get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        if present:
            self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
            for account in DEMO_ACCOUNTS:
                if account.username in present:
                    self.stdout.write(f"  {account.username:<16} {account.role:<11} {account.unit_name}")
        self.stdout.write(f"civicdesk on http://{addrport}/  (staff: http://{addrport}/admin/)")
        if not no_periodic:
            from civicdesk.background import periodic

            periodic.start()
            self.stdout.write("periodic jobs running in this process (production: `civicdesk worker`)")
        call_command("runserver", addrport, use_reloader=False)
