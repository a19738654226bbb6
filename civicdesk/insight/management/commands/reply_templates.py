"""civicdesk reply_templates [--days 90]: replies given word for word to unrelated requests."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from civicdesk.cases import clock
from civicdesk.cases.models import Case
from civicdesk.insight.replies import templates


class Command(BaseCommand):
    help = "List replies pasted across unrelated cases (same reply text, different requests)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="replies of the last N days (default 90)")

    def handle(self, *args, days, **options):
        since = clock.now() - timedelta(days=max(1, days))
        cases = {
            c.pk: c
            for c in Case.objects.filter(replied_at__gte=since)
            .exclude(reply="")
            .select_related("responsible_unit")
            .only("number", "title", "description", "reply", "responsible_unit__name")
        }
        groups = templates((pk, f"{c.title}{c.description}", c.reply) for pk, c in cases.items())
        for group in groups:
            first = cases[group[0]]
            self.stdout.write(f"{len(group)} cases, reply: {first.reply[:60]}")
            for pk in group:
                c = cases[pk]
                unit = c.responsible_unit.name if c.responsible_unit else "-"
                self.stdout.write(f"  {c.number}  {unit}  {c.title[:40]}")
        self.stdout.write(f"{len(groups)} template groups among {len(cases)} replies of the last {days} days")
