from django.core.management.base import BaseCommand, CommandError

from civicdesk.backup.archive import BackupError, restore


class Command(BaseCommand):
    help = "Restores the database and the attachments from an archive made by `civicdesk backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database that already holds cases"
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            manifest, after = restore(file, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored {file} (taken {manifest['created_at']}): {after['cases']} cases, {after['events']} "
            f"events, {after['attachments']} attachments, as recorded in the backup"
        )
