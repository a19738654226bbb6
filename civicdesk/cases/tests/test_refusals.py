"""Refusals: wrong role, wrong unit, wrong state, missing reason. A refused action writes nothing."""

import pytest

from civicdesk.cases import actions
from civicdesk.cases.errors import ActionForbidden, InvalidTransition, ValidationFailed
from civicdesk.cases.models import Case, CaseEvent, CaseState
from civicdesk.cases.permissions import CitizenProof, allowed_actions


def unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return fresh.version == case.version and fresh.state == case.state


@pytest.fixture
def dispatched(city, submit):
    return actions.dispatch(submit(), city.dispatcher)


@pytest.fixture
def accepted(city, dispatched):
    return actions.accept(dispatched, city.handler)


@pytest.fixture
def replied(city, accepted):
    return actions.reply(accepted, city.handler, text="已修复。")


@pytest.mark.parametrize("who", ["operator", "handler", "leader", "supervisor", "citizen_user"])
def test_only_dispatchers_dispatch(city, submit, who):
    case = submit()
    with pytest.raises(ActionForbidden):
        actions.dispatch(case, getattr(city, who))
    assert unchanged(case)


@pytest.mark.parametrize("who", ["operator", "dispatcher", "supervisor", "handler2", "street_handler"])
def test_only_the_responsible_unit_accepts(city, dispatched, who):
    with pytest.raises(ActionForbidden) as err:
        actions.accept(dispatched, getattr(city, who))
    assert str(err.value)
    assert unchanged(dispatched)


def test_handler_of_parent_unit_cannot_act_but_leader_can(city, submit):
    case = actions.dispatch(submit(area="a2"), city.dispatcher, unit="a2-s1")  # to the street
    with pytest.raises(ActionForbidden):
        actions.accept(case, city.district_handler)
    case = actions.accept(case, city.district_leader)  # a district leader may act for its streets
    assert case.state == CaseState.ACCEPTED


@pytest.mark.parametrize(
    "action,kwargs",
    [
        ("reply", {"text": "已处理"}),
        ("record_contact", {"note": "已联系"}),
        ("interim_reply", {"text": "进展"}),
        ("request_extension", {"days": 2, "reason": "需要时间"}),
        ("rate", {"resolved": "resolved", "satisfied": "satisfied"}),
    ],
)
def test_wrong_state_is_refused_with_state_named(city, dispatched, action, kwargs):
    actor = city.operator if action == "rate" else city.handler
    with pytest.raises(InvalidTransition) as err:
        getattr(actions, action)(dispatched, actor, **kwargs)
    assert "已派单" in str(err.value)
    assert unchanged(dispatched)


def test_closed_case_refuses_everything_but_reopen(city, replied):
    closed = actions.rate(replied, city.operator, resolved="resolved", satisfied="satisfied")
    for call in (
        lambda: actions.dispatch(closed, city.dispatcher),
        lambda: actions.accept(closed, city.handler),
        lambda: actions.reply(closed, city.handler, text="再次答复"),
        lambda: actions.withdraw(closed, city.operator, reason="撤回"),
        lambda: actions.urge(closed, city.supervisor, note="催办"),
        lambda: actions.rate(closed, city.operator, resolved="not", satisfied="not"),
        lambda: actions.mark_invalid(closed, city.operator, reason="无效"),
    ):
        with pytest.raises(InvalidTransition):
            call()
    assert unchanged(closed)


@pytest.mark.parametrize(
    "action,kwargs",
    [
        ("request_return", {"reason": ""}),
        ("raise_dispute", {"reason": "   "}),
        ("request_extension", {"days": 3, "reason": ""}),
        ("reply", {"text": ""}),
        ("record_contact", {"note": ""}),
    ],
)
def test_missing_reason_is_refused(city, accepted, action, kwargs):
    with pytest.raises(ValidationFailed) as err:
        getattr(actions, action)(accepted, city.handler, **kwargs)
    assert err.value.errors
    assert unchanged(accepted)


@pytest.mark.parametrize("action", ["withdraw", "mark_invalid", "close_without_verdict", "reopen"])
def test_final_actions_need_reason(city, submit, action):
    with pytest.raises(ValidationFailed):
        getattr(actions, action)(submit(), city.operator, reason="")


def test_handler_cannot_approve_extension_or_decide_return(city, accepted):
    case = actions.request_extension(accepted, city.handler, days=2, reason="协调")
    with pytest.raises(ActionForbidden):
        actions.decide_extension(case, city.handler, approve=True)
    with pytest.raises(ActionForbidden):
        actions.decide_extension(case, city.dispatcher, approve=True)
    with pytest.raises(ActionForbidden):  # a leader of another unit
        actions.decide_extension(case, city.district_leader, approve=True)


def test_other_leader_cannot_decide_return(city, accepted):
    case = actions.request_return(accepted, city.handler, reason="不属于本单位")
    with pytest.raises(ActionForbidden):
        actions.decide_return(case, city.district_leader, approve=True)
    with pytest.raises(ActionForbidden):
        actions.decide_return(case, city.handler, approve=True)


def test_citizen_can_rate_and_withdraw_only_own_case(city, submit):
    own = submit(actor=city.citizen_user)
    assert own.created_by == city.citizen_user
    other = submit(phone="13900001111", actor=city.operator)
    with pytest.raises(ActionForbidden):
        actions.withdraw(other, city.citizen_user, reason="不要了")
    with pytest.raises(ActionForbidden):
        actions.dispatch(own, city.citizen_user)
    case = actions.withdraw(own, city.citizen_user, reason="已自行解决")
    assert case.state == CaseState.WITHDRAWN


def test_citizen_proof_by_number_and_phone(city, replied):
    stranger = CitizenProof(citizen_id=replied.citizen_id + 1000)
    with pytest.raises(ActionForbidden):
        actions.rate(replied, stranger, resolved="resolved", satisfied="satisfied")
    owner = CitizenProof(citizen_id=replied.citizen_id)
    case = actions.rate(replied, owner, resolved="not", satisfied="not", comment="没修好")
    assert case.state == CaseState.DISPATCHED
    assert CaseEvent.objects.filter(case=case, action="rate").get().actor_name == "诉求人"


def test_inactive_staff_refused(city, dispatched):
    city.handler.is_active = False
    city.handler.save()
    with pytest.raises(ActionForbidden):
        actions.accept(dispatched, city.handler)


def test_dispatch_to_unknown_or_inactive_unit(city, submit):
    case = submit(category="教育文体")
    with pytest.raises(ValidationFailed) as err:
        actions.dispatch(case, city.dispatcher, unit="no-such-unit")
    assert "不存在" in err.value.errors["unit"][0]
    city.dept2.is_active = False
    city.dept2.save()
    with pytest.raises(ValidationFailed) as err:
        actions.dispatch(case, city.dispatcher, unit="jtj")
    assert "停用" in err.value.errors["unit"][0]
    assert unchanged(case)


def test_allowed_actions_follow_roles(city, dispatched):
    assert "accept" in allowed_actions(city.handler, dispatched)
    assert "accept" not in allowed_actions(city.handler2, dispatched)
    assert "dispatch" in allowed_actions(city.dispatcher, dispatched)
    assert allowed_actions(None, dispatched) == []
