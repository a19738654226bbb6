from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civicdesk.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Run the web server (development). Prints the demo accounts when the demo data is loaded."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
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
        call_command("runserver", addrport, use_reloader=False)
