from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from civicdesk.catalogue import taxonomy
from civicdesk.catalogue.models import Category


class Command(BaseCommand):
    help = "Load a 3-level category catalogue from a CSV file (columns level1, level2, level3)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(taxonomy.DEFAULT_FILE))

    def handle(self, *args, file, **options):
        try:
            rows = taxonomy.read_rows(file)
        except (OSError, taxonomy.TaxonomyError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        with transaction.atomic():
            created = taxonomy.load(rows, Category)
        self.stdout.write(f"{created} categories created, {Category.objects.count()} in the catalogue")
