"""The SLA sweep warns once per case, whatever the number of runs or workers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.cases import actions, clock
from civicdesk.cases.models import Case, CaseEvent, SlaStatus
from civicdesk.cases.sweep import sweep
from civicdesk.conftest import at_once

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 9, tzinfo=TZ)


def received_on(submit, moment, **fields):
    with clock.frozen(moment):
        return submit(**fields)


def warnings(action):
    return CaseEvent.objects.filter(action=action).count()


def test_marks_approaching_overdue_and_late_contact(city, submit):
    fresh = received_on(submit, MONDAY)  # due Tuesday 25th 09:00 (7 working days)
    assert fresh.due_at == datetime(2026, 11, 25, 9, tzinfo=TZ)

    result = sweep(now=MONDAY + timedelta(hours=2))
    assert (result.approaching, result.overdue, result.contact_overdue) == (0, 0, 0)

    result = sweep(now=MONDAY + timedelta(days=1, minutes=1))
    assert result.contact_overdue == 1 and result.approaching == 0
    assert Case.objects.get(pk=fresh.pk).contact_late

    result = sweep(now=datetime(2026, 11, 24, 12, tzinfo=TZ))  # past 80% of the time
    assert result.approaching == 1
    assert Case.objects.get(pk=fresh.pk).sla_status == SlaStatus.APPROACHING

    result = sweep(now=datetime(2026, 11, 25, 9, 1, tzinfo=TZ))
    assert result.overdue == 1
    case = Case.objects.get(pk=fresh.pk)
    assert case.sla_status == SlaStatus.OVERDUE
    event = CaseEvent.objects.get(case=case, action="sla_overdue")
    assert not event.is_public and event.payload["due_at"] == case.due_at.isoformat()


def test_repeated_runs_warn_once(city, submit):
    for _ in range(3):
        received_on(submit, MONDAY - timedelta(days=30))
    later = MONDAY
    assert sweep(now=later).overdue == 3
    for _ in range(3):
        result = sweep(now=later + timedelta(hours=1))
        assert (result.approaching, result.overdue, result.contact_overdue) == (0, 0, 0)
    assert warnings("sla_overdue") == 3 and warnings("contact_overdue") == 3


def test_contacted_closed_and_paused_cases_are_left_alone(city, submit):
    contacted = received_on(submit, MONDAY)
    with clock.frozen(MONDAY + timedelta(hours=1)):
        contacted = actions.dispatch(contacted, city.dispatcher)
        contacted = actions.accept(contacted, city.handler)
        contacted = actions.record_contact(contacted, city.handler, note="已电话联系")
    withdrawn = received_on(submit, MONDAY)
    actions.withdraw(withdrawn, city.operator, reason="市民来电撤回")
    disputed = received_on(submit, MONDAY)
    with clock.frozen(MONDAY + timedelta(hours=1)):
        disputed = actions.dispatch(disputed, city.dispatcher)
        disputed = actions.raise_dispute(disputed, city.handler, reason="不属于本单位职责")
    assert disputed.paused_at is not None

    result = sweep(now=MONDAY + timedelta(days=30))
    assert result.overdue == 1  # only the contacted one: the dispute stopped the clock
    assert Case.objects.get(pk=contacted.pk).sla_status == SlaStatus.OVERDUE
    assert not Case.objects.get(pk=contacted.pk).contact_late
    assert Case.objects.get(pk=disputed.pk).sla_status == SlaStatus.ON_TIME


def test_large_backlog_read_in_pages(city, submit):
    for _ in range(7):
        received_on(submit, MONDAY - timedelta(days=30))
    assert sweep(now=MONDAY, batch=2).overdue == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_three_workers_at_once_warn_each_case_once(city, submit):
    """Three real connections sweep the same overdue cases at the same moment."""
    for _ in range(12):
        received_on(submit, MONDAY - timedelta(days=30))
    results = at_once(lambda: sweep(now=MONDAY, batch=5))
    assert sum(r.overdue for r in results) == 12
    assert sum(r.contact_overdue for r in results) == 12
    assert warnings("sla_overdue") == 12 and warnings("contact_overdue") == 12
    per_case = CaseEvent.objects.filter(action="sla_overdue").values_list("case_id", flat=True)
    assert len(set(per_case)) == 12
