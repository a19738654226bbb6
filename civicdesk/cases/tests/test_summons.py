"""吹哨报到: a unit summons others to a case; they report in by the deadline and do their task; lateness is
recorded once and told to those concerned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.cases import actions, clock
from civicdesk.cases.models import CaseEvent, Summons, SummonsState
from civicdesk.cases.permissions import available_actions
from civicdesk.cases.sweep import sweep
from civicdesk.cases.visibility import can_view
from civicdesk.notify.models import Notification


@pytest.fixture
def street_case(city, submit):
    """A case the street (暮云街道) handles and cannot settle alone."""
    case = actions.dispatch(submit(), city.dispatcher, city.street)
    return actions.accept(case, city.street_handler)


def summon(city, case, **overrides):
    arguments = {
        "units": [city.dept, city.dept2],
        "reason": "占道施工涉及住建和交通，街道无执法权",
        "task": "住建局核查施工许可，交通局处理占道",
        "hours": 4,
    }
    arguments.update(overrides)
    return actions.summon(case, city.street_handler, **arguments)


def test_the_street_blows_the_whistle_and_the_departments_hear_it(city, street_case):
    assert "summon" in available_actions(city.street_handler, street_case)
    case = summon(city, street_case)
    summonses = Summons.objects.filter(case=case).order_by("unit__code")
    assert [(s.unit, s.state, s.summoned_by_unit) for s in summonses] == [
        (city.dept2, SummonsState.SUMMONED, city.street),
        (city.dept, SummonsState.SUMMONED, city.street),
    ]
    assert all(s.report_in_due_at == s.summoned_at + timedelta(hours=4) for s in summonses)
    assert set(case.co_units.all()) == {city.dept, city.dept2}
    assert can_view(city.handler2, case)  # the summoned see the case at once
    event = case.events.get(action="summon")
    assert event.is_public and event.payload["units"] == ["市住房和城乡建设局", "市交通运输局"]
    told = {n.user for n in Notification.objects.filter(rule="summoned")}
    assert told == {city.handler, city.leader, city.handler2}
    due = timezone.localtime(summonses[0].report_in_due_at)  # Beijing time, not the stored UTC
    body = Notification.objects.filter(rule="summoned").first().body
    assert "住建局核查施工许可" in body and due.strftime("%Y-%m-%d %H:%M") in body


def test_a_summoned_unit_reports_in_joins_and_completes_its_task(city, street_case):
    case = summon(city, street_case)
    assert "report_in" in available_actions(city.handler2, case)
    assert "complete_task" not in available_actions(city.handler2, case)
    case = actions.report_in(case, city.handler2, note="已派执法队员到场")
    summons = Summons.objects.get(case=case, unit=city.dept2)
    assert summons.state == SummonsState.REPORTED and summons.late is False and summons.reported_at
    assert {n.user for n in Notification.objects.filter(rule="reported_in")} == {city.street_handler}
    assert "report_in" not in available_actions(city.handler2, case)
    assert "complete_task" in available_actions(city.handler2, case)
    with pytest.raises(actions.ActionForbidden, match="没有待报到的吹哨"):
        actions.report_in(case, city.handler2)  # once is enough
    case = actions.complete_task(case, city.handler2, note="已清理占道，恢复通行")
    summons.refresh_from_db()
    assert summons.state == SummonsState.DONE and summons.done_note == "已清理占道，恢复通行"
    assert [e.action for e in case.events.order_by("pk")][-3:] == ["summon", "report_in", "complete_task"]


def test_reporting_in_late_is_recorded_and_the_sweep_warns_once(city, street_case):
    case = summon(city, street_case, hours=2)
    later = clock.now() + timedelta(hours=3)
    assert sweep(now=later).report_in_overdue == 2
    assert sweep(now=later + timedelta(minutes=5)).report_in_overdue == 0  # warned once
    assert CaseEvent.objects.filter(case=case, action="report_in_overdue").count() == 2
    late_notes = Notification.objects.filter(rule="report_in_late")
    assert {n.user for n in late_notes} == {city.leader, city.street_handler}  # dept2 has no leader
    with clock.frozen(later):
        actions.report_in(case, city.handler)
    summons = Summons.objects.get(case=case, unit=city.dept)
    assert summons.late is True and summons.state == SummonsState.REPORTED


def test_summons_that_make_no_sense_are_refused_with_reasons(city, street_case, submit):
    with pytest.raises(actions.ValidationFailed) as refused:
        actions.summon(street_case, city.street_handler, units=[], reason="", task="", hours=0)
    assert set(refused.value.errors) == {"units", "reason", "task", "hours"}
    with pytest.raises(actions.ValidationFailed, match="不能向承办单位自己吹哨"):
        summon(city, street_case, units=[city.street])
    case = summon(city, street_case, units=[city.dept])
    with pytest.raises(actions.ValidationFailed, match="已吹哨过"):
        summon(city, case, units=[city.dept])
    with pytest.raises(actions.ActionForbidden):
        actions.summon(case, city.handler2, units=[city.water], reason="无关单位", task="任务")
    with pytest.raises(actions.ActionForbidden):
        actions.report_in(case, city.district_handler)  # not summoned
    received = submit()
    with pytest.raises(actions.InvalidTransition):
        actions.summon(received, city.dispatcher, units=[city.dept], reason="未派单", task="任务")


def test_the_summons_form_on_the_case_page_works(client, city, street_case):
    client.force_login(city.street_handler)
    response = client.post(
        f"/cases/{street_case.number}/do/summon/",
        {
            "version": street_case.version,
            "units": [city.dept.pk, city.water.pk],
            "reason": "路面塌陷疑似水管破裂",
            "task": "核查管网并修复路面",
            "hours": "6",
        },
    )
    assert response.status_code == 302
    assert set(Summons.objects.values_list("unit__code", flat=True)) == {"zjj", "water"}


def test_report_in_punctuality_is_assessed(city, street_case, submit):
    from civicdesk.insight.assessment import Period, figures

    case = summon(city, street_case, hours=2)  # dept and dept2
    case = actions.report_in(case, city.handler2)  # dept2: on time
    later = clock.now() + timedelta(hours=3)
    with clock.frozen(later):
        actions.report_in(case, city.handler)  # dept: late
    other = actions.accept(actions.dispatch(submit(), city.dispatcher, city.street), city.street_handler)
    summon(city, other, units=[city.dept], hours=2)  # dept: not yet due at this moment
    today = timezone.localdate()
    period = Period("custom", today - timedelta(days=1), today + timedelta(days=1))
    rows = {r.unit.code: r for r in figures([city.dept, city.dept2, city.water], period)}
    assert (rows["zjj"].summons_due, rows["zjj"].summons_on_time, rows["zjj"].punctuality_rate) == (1, 0, 0)
    assert (rows["jtj"].summons_due, rows["jtj"].summons_on_time, rows["jtj"].punctuality_rate) == (1, 1, 1)
    assert rows["water"].punctuality_rate is None  # never summoned: no figure


def test_the_case_page_lists_the_summonses_and_offers_report_in(client, city, street_case):
    case = summon(city, street_case, hours=2)
    with clock.frozen(clock.now() + timedelta(hours=3)):
        sweep()
    client.force_login(city.handler2)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="summonses"' in page and "待报到" in page and "报到超时" in page
    assert "交通局处理占道" in page
    assert 'data-action="report_in"' in page or "/do/report_in/" in page
