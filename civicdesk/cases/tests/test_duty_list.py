"""Duty lists and long-term cases: an owner, measures, dated milestones, an explanation the citizen reads,
warnings for missed milestones."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from civicdesk.cases import actions
from civicdesk.cases.models import CaseEvent, Milestone
from civicdesk.cases.permissions import available_actions
from civicdesk.cases.sweep import sweep
from civicdesk.notify.models import Notification

EXPLANATION = "小区排水管网需要整体改造，须列入明年市政计划，预计2027年6月完工，期间每月告知进展。"


@pytest.fixture
def accepted(city, submit):
    return actions.accept(actions.dispatch(submit(), city.dispatcher, city.dept), city.handler)


def plan(city, case, **overrides):
    arguments = {
        "explanation": EXPLANATION,
        "measures": "先临时疏通，再申报改造项目",
        "milestones": "2026-12-15 完成临时疏通\n2027-03-31 改造项目立项\n2027-06-30 改造完工",
        "owner": "leader",
    }
    arguments.update(overrides)
    return actions.plan_duty(case, city.handler, **arguments)


def test_a_long_term_plan_is_told_to_the_citizen_and_shown_on_the_tracking_page(client, city, accepted):
    case = plan(city, accepted)
    assert case.duty_owner == city.leader and case.measures == "先临时疏通，再申报改造项目"
    assert [(m.due_on, m.title) for m in case.milestones.all()] == [
        (date(2026, 12, 15), "完成临时疏通"),
        (date(2027, 3, 31), "改造项目立项"),
        (date(2027, 6, 30), "改造完工"),
    ]
    told = Notification.objects.get(rule="long_term")
    assert told.channel == "sms" and "预计2027年6月完工" in told.body
    client.post("/track/", {"number": case.number, "phone": "13800138000"})
    page = client.get(f"/track/{case.number}/").content.decode()
    assert 'data-testid="duty-plan"' in page and "改造项目立项" in page and EXPLANATION in page


def test_milestones_are_completed_and_missed_ones_warned_once(city, accepted):
    case = plan(
        city, accepted, milestones=f"{(timezone.localdate() - timedelta(days=1)).isoformat()} 完成临时疏通"
    )
    assert sweep().milestone_overdue == 1
    assert sweep().milestone_overdue == 0
    assert CaseEvent.objects.filter(case=case, action="milestone_overdue").count() == 1
    told = {n.user for n in Notification.objects.filter(rule="milestone_late")}
    assert told == {city.handler, city.leader}  # the owner is the leader: told once
    step = Milestone.objects.get(case=case)
    assert "complete_milestone" in available_actions(city.handler, case)
    case = actions.complete_milestone(case, city.handler, milestone=step.pk, note="已用高压车疏通")
    step.refresh_from_db()
    assert step.done_at is not None and step.done_note == "已用高压车疏通" and step.late
    assert "complete_milestone" not in available_actions(city.handler, case)  # nothing left to complete
    with pytest.raises(actions.ValidationFailed):
        actions.complete_milestone(case, city.handler, milestone=step.pk, note="再来一次")


def test_a_plan_that_cannot_be_read_is_refused_with_reasons(city, accepted):
    with pytest.raises(actions.ValidationFailed) as refused:
        plan(
            city,
            accepted,
            explanation="",
            measures="",
            milestones="明年 改造\n2027-13-01 不存在的日子",
            owner="nobody",
        )
    errors = refused.value.errors
    assert set(errors) == {"explanation", "measures", "milestones", "owner"}
    assert len(errors["milestones"]) == 2 and "第1行" in errors["milestones"][0]
    assert not Milestone.objects.exists()
    with pytest.raises(actions.ActionForbidden):
        actions.plan_duty(accepted, city.handler2, explanation="x", measures="y")


def test_the_case_page_offers_the_plan_and_shows_it(client, city, accepted):
    client.force_login(city.handler)
    response = client.post(
        f"/cases/{accepted.number}/do/plan_duty/",
        {
            "version": accepted.version,
            "explanation": EXPLANATION,
            "measures": "分步实施",
            "milestones": "2027-06-30 改造完工",
            "owner": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{accepted.number}/").content.decode()
    assert 'data-testid="duty-plan"' in page and "改造完工" in page and "handler" in page
