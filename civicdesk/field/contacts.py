"""Contact households (联系户): who is due a visit.

A household is due when `every_days` have passed since the assigned member of staff last visited it (a
visit they recorded for it) or since the assignment, whichever is later: someone paired with a household
today is not late for visits before that. Overdue ones show on that
person's workbench and, for leaders, in the field view of their unit and the units under it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max

from civicdesk.org.models import Role

from .models import ContactHousehold, Visit


@dataclass
class Due:
    contact: ContactHousehold
    last_visit: date | None
    due_on: date
    today: date

    @property
    def overdue(self):
        return self.due_on < self.today

    @property
    def days_overdue(self):
        return max(0, (self.today - self.due_on).days)


def statuses(contacts, today):
    """A Due for each assignment, most overdue first."""
    contacts = list(contacts.select_related("staff", "household__area"))
    pairs = {(c.staff_id, c.household_id) for c in contacts}
    last = {}
    if pairs:
        visits = (
            Visit.objects.filter(visitor_id__in={s for s, _ in pairs}, household_id__in={h for _, h in pairs})
            .values("visitor_id", "household_id")
            .annotate(last=Max("visited_on"))
        )
        last = {(v["visitor_id"], v["household_id"]): v["last"] for v in visits}
    result = []
    for c in contacts:
        seen = last.get((c.staff_id, c.household_id))
        start = max(d for d in (seen, c.assigned_on) if d is not None)
        result.append(Due(c, seen, start + timedelta(days=c.every_days), today))
    return sorted(result, key=lambda d: (d.due_on, d.contact.pk))


def mine(user, today):
    return statuses(ContactHousehold.objects.filter(staff=user), today)


def of_unit(user, today):
    """Every assignment of staff in the leader's unit and the units under it (others: their own)."""
    if user.role == Role.LEADER and user.unit_id:
        return statuses(ContactHousehold.objects.filter(staff__unit__path__startswith=user.unit.path), today)
    return mine(user, today)
