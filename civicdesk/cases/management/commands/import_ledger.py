from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from civicdesk.cases.ledger_import import LedgerImportError, import_ledger


class Command(BaseCommand):
    help = "Imports a problem ledger (.xlsx or .csv): every row or none, with a report of each problem."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user", required=True, help="the account the cases are registered and dispatched as"
        )

    def handle(self, *args, file, user, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        path = Path(file)
        try:
            cases = import_ledger(path.name, path.read_bytes(), actor)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None
        except LedgerImportError as exc:
            for p in exc.problems:
                self.stderr.write(f"row {p.row}, column {p.column or '-'}: {p.problem}")
            raise CommandError(f"{len(exc.problems)} problems; nothing was imported") from None
        self.stdout.write(f"imported {len(cases)} cases: {cases[0].number} … {cases[-1].number}")
