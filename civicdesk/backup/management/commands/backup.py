from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from civicdesk.backup.archive import BackupError, backup


class Command(BaseCommand):
    help = "Writes the database and the attachments to one archive (see docs/deploy.md, Backups)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="archive to write (default civicdesk-<time>.tar.gz)")

    def handle(self, *args, file=None, **options):
        path = file or f"civicdesk-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        c = manifest["counts"]
        self.stdout.write(
            f"{path}: {manifest['vendor']} database, {c['cases']} cases, {c['events']} events, "
            f"{c['attachments']} attachments"
        )
