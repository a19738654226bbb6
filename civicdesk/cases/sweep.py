"""The SLA sweep: marks cases approaching or past their deadlines and records it once per case.

Safe with many workers at once: each case is claimed with a conditional UPDATE (`... WHERE sla_status =
<old>`); only the worker whose UPDATE changed the row writes the event, in the same transaction, so a
warning is recorded exactly once and a worker killed mid-run leaves either both or neither."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from civicdesk.insight import rollups

from . import clock
from .actions import record_event
from .models import OPEN_STATES, Case, Milestone, SlaStatus, Summons, SummonsState


@dataclass
class SweepResult:
    approaching: int = 0
    overdue: int = 0
    contact_overdue: int = 0
    report_in_overdue: int = 0
    milestone_overdue: int = 0

    def __str__(self):
        return (
            f"approaching={self.approaching} overdue={self.overdue} contact_overdue={self.contact_overdue}"
            f" report_in_overdue={self.report_in_overdue} milestone_overdue={self.milestone_overdue}"
        )


def _claim(case_id, old_filter, new_values, action, payload_of, now):
    with transaction.atomic():
        # Read under the row lock, so the rollup is told exactly what changed (the UPDATE still decides).
        locked = Case.objects.select_for_update().filter(pk=case_id, **old_filter)
        before = locked.values(*rollups.FIELDS).first()
        if before is None:
            return False
        claimed = Case.objects.filter(pk=case_id, **old_filter).update(**new_values)
        if not claimed:
            return False
        case = Case.objects.get(pk=case_id)
        event = record_event(case, None, action, payload_of(case), public=False, at=now)
        rollups.record_change(case_id, before, rollups.values_of(case), event)
        return True


def _ids(queryset, batch):
    """Primary keys of `queryset` in ascending pages of `batch`, so a large backlog is read in pieces."""
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        yield from page
        if len(page) < batch:
            return
        last = page[-1]


def sweep(now=None, batch=500):
    now = now or clock.now()
    result = SweepResult()
    # Re-checked inside each claim: the case may have changed since it was listed.
    still_running = {"state__in": OPEN_STATES, "paused_at__isnull": True}
    running = Case.objects.filter(**still_running)

    overdue = running.filter(sla_status__in=[SlaStatus.ON_TIME, SlaStatus.APPROACHING], due_at__lte=now)
    for case_id in _ids(overdue, batch):
        if _claim(
            case_id,
            {
                "sla_status__in": [SlaStatus.ON_TIME, SlaStatus.APPROACHING],
                "due_at__lte": now,
                **still_running,
            },
            {"sla_status": SlaStatus.OVERDUE},
            "sla_overdue",
            lambda c: {
                "due_at": c.due_at.isoformat(),
                "unit": c.responsible_unit.name if c.responsible_unit else "",
            },
            now,
        ):
            result.overdue += 1

    approaching = running.filter(sla_status=SlaStatus.ON_TIME, warn_at__lte=now, due_at__gt=now)
    for case_id in _ids(approaching, batch):
        if _claim(
            case_id,
            {"sla_status": SlaStatus.ON_TIME, "warn_at__lte": now, "due_at__gt": now, **still_running},
            {"sla_status": SlaStatus.APPROACHING},
            "sla_approaching",
            lambda c: {"due_at": c.due_at.isoformat()},
            now,
        ):
            result.approaching += 1

    contact = Case.objects.filter(
        state__in=OPEN_STATES, first_contact_at__isnull=True, contact_late=False, contact_due_at__lte=now
    )
    for case_id in _ids(contact, batch):
        if _claim(
            case_id,
            {
                "contact_late": False,
                "first_contact_at__isnull": True,
                "contact_due_at__lte": now,
                "state__in": OPEN_STATES,
            },
            {"contact_late": True},
            "contact_overdue",
            lambda c: {"contact_due_at": c.contact_due_at.isoformat()},
            now,
        ):
            result.contact_overdue += 1

    late_summons = Summons.objects.filter(state=SummonsState.SUMMONED, late=False, report_in_due_at__lte=now)
    for summons_id in _ids(late_summons, batch):
        if _claim_summons(summons_id, now):
            result.report_in_overdue += 1

    missed = Milestone.objects.filter(
        done_at__isnull=True, late=False, due_on__lt=timezone.localdate(now), case__state__in=OPEN_STATES
    )
    for milestone_id in _ids(missed, batch):
        if _claim_milestone(milestone_id, now):
            result.milestone_overdue += 1
    return result


def _claim_milestone(milestone_id, now):
    """Marks a milestone whose day passed undone, and records it on the case once."""
    with transaction.atomic():
        claimed = Milestone.objects.filter(pk=milestone_id, done_at__isnull=True, late=False).update(
            late=True
        )
        if not claimed:
            return False
        step = Milestone.objects.select_related("case").get(pk=milestone_id)
        payload = {"milestone": step.title, "due_on": step.due_on.isoformat()}
        record_event(step.case, None, "milestone_overdue", payload, public=False, at=now)
        return True


def _claim_summons(summons_id, now):
    """Marks a summons whose unit has not reported in by the deadline, and records it on the case once."""
    with transaction.atomic():
        claimed = Summons.objects.filter(
            pk=summons_id, state=SummonsState.SUMMONED, late=False, report_in_due_at__lte=now
        ).update(late=True)
        if not claimed:
            return False
        summons = Summons.objects.select_related("case", "unit").get(pk=summons_id)
        payload = {
            "unit": summons.unit.name,
            "unit_id": summons.unit_id,
            "report_in_due_at": summons.report_in_due_at.isoformat(),
        }
        record_event(summons.case, None, "report_in_overdue", payload, public=False, at=now)
        return True
