from django.core.management.base import BaseCommand

from civicdesk.cases.sweep import sweep


class Command(BaseCommand):
    help = "Mark cases approaching or past their deadlines (safe to run from several machines at once)."

    def handle(self, *args, **options):
        total = sweep()
        self.stdout.write(str(total))
