"""The screens' table of which action fits which state agrees with the state machine itself."""

import pytest
from django.db import transaction

from civicdesk.cases import actions
from civicdesk.cases.models import Case, CaseState
from civicdesk.cases.permissions import ACTION_STATES, RULES, available_actions


class _Undo(Exception):
    pass


def _args(city, other_case):
    return {
        "dispatch": ((city.dept,), {}),
        "redispatch": ((city.dept2,), {"reason": "改派理由"}),
        "resolve_dispute": ((city.dept2,), {}),
        "decide_return": ((), {"approve": True}),
        "answer_directly": ((), {"answer": "答复内容"}),
        "merge": ((), {"into": other_case}),
        "mark_invalid": ((), {"reason": "无效"}),
        "accept": ((), {}),
        "record_contact": ((), {"note": "已电话联系"}),
        "interim_reply": ((), {"text": "正在处理"}),
        "request_extension": ((), {"days": 3, "reason": "需要协调"}),
        "decide_extension": ((), {"approve": True}),
        "request_return": ((), {"reason": "非本单位职责"}),
        "raise_dispute": ((), {"reason": "不属本单位"}),
        "reply": ((), {"text": "已修复"}),
        "rate": ((), {"resolved": "resolved", "satisfied": "satisfied"}),
        "close_without_verdict": ((), {"reason": "三次未接通"}),
        "reopen": ((), {"reason": "市民反映未解决"}),
        "withdraw": ((), {"reason": "市民撤回"}),
        "urge": ((), {"note": "请加快办理"}),
        "supplement": ((), {"text": "补充：路灯在3号楼门口"}),
        "withhold_publication": ((), {"reason": "涉及未成年人"}),
        "summon": ((), {"units": [city.water], "reason": "涉及供水管网", "task": "核查管网"}),
        "plan_duty": ((), {"explanation": "需列入明年计划", "measures": "分步实施"}),
        "publish": ((), {"reason": "已征得同意"}),
    }


def _case_in(state, city, submit):
    a = city.admin
    case = submit(kind="inquiry")  # answer_directly needs an inquiry; every other action ignores the kind
    if state == "received":
        return case
    if state in ("merged", "invalid", "withdrawn"):
        master = submit()
        if state == "merged":
            return actions.merge(case.pk, a, into=master)
        if state == "invalid":
            return actions.mark_invalid(case.pk, a, reason="无效")
        return actions.withdraw(case.pk, a, reason="撤回")
    case = actions.dispatch(case.pk, a, city.dept)
    if state == "dispatched":
        return case
    if state == "return_requested":
        return actions.request_return(case.pk, a, reason="非本单位")
    if state == "disputed":
        return actions.raise_dispute(case.pk, a, reason="不属本单位")
    case = actions.accept(case.pk, a)
    if state == "accepted":
        return case
    case = actions.reply(case.pk, a, text="已修复")
    if state == "replied":
        return case
    return actions.rate(case.pk, a, resolved="resolved", satisfied="satisfied")


@pytest.mark.parametrize("state", CaseState.values)
def test_offered_actions_work_and_the_rest_are_refused_by_the_state_machine(state, city, submit):
    case = _case_in(state, city, submit)
    assert case.state == state
    other = submit()
    args = _args(city, other)
    for action in RULES:
        if action in ("decide_extension", "publish", "report_in", "complete_task", "complete_milestone"):
            continue  # they also need a pending request, a withheld case or a summons; tested on their own
        positional, keywords = args[action]
        offered = state in ACTION_STATES[action]
        try:
            with transaction.atomic():
                actions_fn = getattr(actions, action)
                actions_fn(case.pk, city.admin, *positional, **keywords)
                raise _Undo
        except _Undo:
            assert offered, f"{action} worked from {state} but screens do not offer it"
        except actions.InvalidTransition:
            assert not offered, f"{action} is offered from {state} but the state machine refuses it"
    assert Case.objects.get(pk=case.pk).state == state


def test_a_handler_is_offered_only_their_units_work(city, submit):
    case = actions.dispatch(submit().pk, city.dispatcher, city.dept)
    assert available_actions(city.handler, case) == ["accept", "request_return", "raise_dispute"]
    assert available_actions(city.handler2, case) == []
    assert "dispatch" not in available_actions(city.dispatcher, case)
    assert "redispatch" in available_actions(city.dispatcher, case)
    case = actions.request_extension(
        actions.accept(case.pk, city.handler).pk, city.handler, days=2, reason="协调"
    )
    assert "decide_extension" in available_actions(city.leader, case)
    assert "decide_extension" not in available_actions(city.handler, case)
    assert "request_extension" not in available_actions(city.handler, case)
