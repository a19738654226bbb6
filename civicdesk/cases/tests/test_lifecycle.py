"""Every transition of the case lifecycle through the actions layer, and the events it leaves."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civicdesk.cases import actions, clock
from civicdesk.cases.models import Case, CaseEvent, CaseState, SlaStatus

TZ = ZoneInfo("Asia/Shanghai")


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", "from_state", "to_state"))


def test_intake_creates_received_case_with_number_deadlines_and_event(city, submit):
    with clock.frozen(datetime(2026, 11, 20, 10, tzinfo=TZ)):
        case = submit()
    assert case.state == CaseState.RECEIVED
    assert case.number == "20261120-000001"
    assert case.priority == "normal"
    # 7 working days from Friday 10:00 → Tuesday 2026-12-01 10:00
    assert case.due_at == datetime(2026, 12, 1, 10, tzinfo=TZ)
    assert case.contact_due_at == datetime(2026, 11, 21, 10, tzinfo=TZ)
    assert events(case) == [("receive", "received", "received")]
    assert case.citizen.phone == "13800138000"
    second = submit()
    assert second.number.endswith("-000001") or second.number.endswith("-000002")
    assert second.citizen_id == case.citizen_id  # the same person is stored once


def test_happy_path_to_closed(city, submit):
    case = submit()
    case = actions.dispatch(case, city.dispatcher)
    assert case.state == CaseState.DISPATCHED and case.responsible_unit == city.dept
    case = actions.accept(case, city.handler)
    case = actions.record_contact(case, city.handler, note="电话联系，约定明天现场查看")
    assert case.first_contact_at is not None
    case = actions.interim_reply(case, city.handler, text="已安排维修班组，三天内修复")
    case = actions.reply(case, city.handler, text="路灯已于今日修复，经现场核实照明正常。")
    assert case.state == CaseState.REPLIED
    case = actions.rate(case, city.operator, resolved="resolved", satisfied="satisfied", comment="谢谢")
    assert case.state == CaseState.CLOSED and case.closed_at is not None
    assert [e[0] for e in events(case)] == [
        "receive",
        "dispatch",
        "accept",
        "record_contact",
        "interim_reply",
        "reply",
        "rate",
    ]
    assert case.version == 7


def test_dispatch_uses_most_specific_catalogue_rule(city, submit):
    anywhere = actions.dispatch(submit(), city.dispatcher)
    assert anywhere.responsible_unit == city.dept
    in_district = actions.dispatch(submit(area="a2-s1-c1"), city.dispatcher)
    assert in_district.responsible_unit == city.district  # area rule for A2区 applies to its communities
    water = actions.dispatch(submit(category=city.cat_water.full_name, area="a2"), city.dispatcher)
    assert water.responsible_unit == city.water  # deeper category beats deeper area
    assert water.priority == "utility"


def test_dispatch_without_rule_needs_a_unit(city, submit):
    case = submit(category="教育文体")
    with pytest.raises(actions.ValidationFailed) as err:
        actions.dispatch(case, city.dispatcher)
    assert "unit" in err.value.errors
    case = actions.dispatch(Case.objects.get(pk=case.pk), city.dispatcher, unit="jtj", co_units=["zjj"])
    assert case.responsible_unit == city.dept2
    assert list(case.co_units.all()) == [city.dept]


def test_redispatch_moves_to_another_unit_and_requires_reason(city, submit):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    with pytest.raises(actions.ValidationFailed):
        actions.redispatch(case, city.dispatcher, "jtj", reason="  ")
    with pytest.raises(actions.ValidationFailed):
        actions.redispatch(case, city.dispatcher, "zjj", reason="同一单位")
    case = actions.redispatch(case, city.dispatcher, "jtj", reason="属交通设施")
    assert case.state == CaseState.DISPATCHED and case.responsible_unit == city.dept2
    assert case.accepted_at is None


def test_return_approved_goes_back_to_dispatcher_queue(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    with pytest.raises(actions.ValidationFailed):
        actions.request_return(case, city.handler, reason="")
    case = actions.request_return(case, city.handler, reason="路灯归交通局管理")
    assert case.state == CaseState.RETURN_REQUESTED
    with pytest.raises(actions.ValidationFailed):
        actions.decide_return(case, city.dispatcher, approve=False, note="")
    case = actions.decide_return(case, city.dispatcher, approve=True, note="同意")
    assert case.state == CaseState.RECEIVED
    assert case.responsible_unit is None and case.returned_by == city.dept and case.return_count == 1
    case = actions.dispatch(case, city.dispatcher, unit="jtj")
    assert case.responsible_unit == city.dept2


def test_return_rejected_by_unit_leader_goes_back_to_previous_state(city, submit):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    case = actions.request_return(case, city.handler, reason="不属于本单位")
    case = actions.decide_return(case, city.leader, approve=False, note="属于本单位职责，继续办理")
    assert case.state == CaseState.ACCEPTED


def test_dispute_pauses_clock_and_dispatcher_decides(city, submit):
    start = datetime(2026, 11, 16, 9, tzinfo=TZ)  # Monday
    with clock.frozen(start):
        case = actions.dispatch(submit(), city.dispatcher)
    due_before = case.due_at
    with clock.frozen(start + timedelta(hours=1)):
        case = actions.raise_dispute(case, city.handler, reason="应由交通局办理", suggested_unit="jtj")
    assert case.state == CaseState.DISPUTED and case.paused_at is not None
    assert case.suggested_unit == city.dept2
    with clock.frozen(start + timedelta(hours=25)):  # one working day later
        case = actions.resolve_dispute(case, city.dispatcher, "jtj", note="交通局负责")
    assert case.state == CaseState.DISPATCHED and case.responsible_unit == city.dept2
    assert case.paused_at is None
    assert case.due_at == due_before + timedelta(hours=24)


def test_extension_request_and_approval_moves_deadline(city, submit):
    start = datetime(2026, 11, 16, 9, tzinfo=TZ)
    with clock.frozen(start):
        case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    due_before = case.due_at  # 2026-11-25 09:00
    with pytest.raises(actions.ValidationFailed):
        actions.request_extension(case, city.handler, days=0, reason="施工")
    with pytest.raises(actions.ValidationFailed):
        actions.request_extension(case, city.handler, days=3, reason="")
    case = actions.request_extension(case, city.handler, days=3, reason="需协调施工队")
    with pytest.raises(actions.ValidationFailed):
        actions.request_extension(case, city.handler, days=2, reason="再申请")
    with pytest.raises(actions.ActionForbidden):
        actions.decide_extension(case, city.handler, approve=True)
    case = actions.decide_extension(case, city.leader, approve=True, note="同意")
    assert case.due_at == datetime(2026, 11, 30, 9, tzinfo=TZ)  # + 3 working days (skips the weekend)
    assert case.due_at > due_before and case.extension_pending_days is None
    with pytest.raises(actions.ValidationFailed):
        actions.decide_extension(case, city.leader, approve=True)


def test_extension_rejection_needs_reason(city, submit):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    case = actions.request_extension(case, city.handler, days=3, reason="需协调")
    with pytest.raises(actions.ValidationFailed):
        actions.decide_extension(case, city.leader, approve=False, note="")
    due = case.due_at
    case = actions.decide_extension(case, city.leader, approve=False, note="时限内可以完成")
    assert case.due_at == due and case.extension_pending_days is None


@pytest.mark.parametrize(
    "resolved,satisfied",
    [("not", "basically"), ("resolved", "not"), ("not", "not")],
)
def test_unresolved_or_dissatisfied_reopens_with_new_deadline(city, submit, resolved, satisfied):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    case = actions.reply(case, city.handler, text="已处理。")
    later = datetime(2026, 12, 7, 9, tzinfo=TZ)
    with clock.frozen(later):
        case = actions.rate(case, city.operator, resolved=resolved, satisfied=satisfied, comment="灯还是不亮")
    assert case.state == CaseState.DISPATCHED
    assert case.responsible_unit == city.dept and case.reopen_count == 1
    assert case.clock_started_at == later and case.due_at > later
    assert case.resolved == resolved and case.first_contact_at is None
    # the unit handles it again and the citizen is satisfied this time
    case = actions.reply(actions.accept(case, city.handler), city.handler, text="已更换灯具。")
    case = actions.rate(case, city.operator, resolved="resolved", satisfied="basically")
    assert case.state == CaseState.CLOSED and case.reopen_count == 1


def test_partly_resolved_and_basically_satisfied_closes(city, submit):
    case = actions.reply(
        actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler),
        city.handler,
        text="已部分处理。",
    )
    case = actions.rate(case, city.operator, resolved="partly", satisfied="basically")
    assert case.state == CaseState.CLOSED


def test_rate_rejects_unknown_verdict(city, submit):
    case = actions.reply(
        actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler),
        city.handler,
        text="已处理。",
    )
    with pytest.raises(actions.ValidationFailed) as err:
        actions.rate(case, city.operator, resolved="yes", satisfied="")
    assert set(err.value.errors) == {"resolved", "satisfied"}


def test_close_without_verdict_is_flagged_and_closed_case_can_reopen(city, submit):
    case = actions.reply(
        actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler),
        city.handler,
        text="已处理。",
    )
    with pytest.raises(actions.ValidationFailed):
        actions.close_without_verdict(case, city.operator, reason="")
    case = actions.close_without_verdict(case, city.operator, reason="三次回访无人接听")
    assert case.state == CaseState.CLOSED and case.closed_without_verdict
    case = actions.reopen(case, city.supervisor, reason="市民再次来电反映问题仍在")
    assert case.state == CaseState.DISPATCHED and case.reopen_count == 1 and not case.closed_without_verdict


def test_answer_directly_only_for_inquiries(city, submit):
    complaint = submit()
    with pytest.raises(actions.ValidationFailed):
        actions.answer_directly(complaint, city.operator, answer="请拨打物业电话")
    inquiry = submit(kind="inquiry", title="公积金提取", description="公积金提取需要哪些材料？")
    case = actions.answer_directly(inquiry, city.operator, answer="请携带身份证和购房合同到公积金中心办理。")
    assert case.state == CaseState.CLOSED and case.reply.startswith("请携带")


def test_merge_into_master(city, submit):
    master = actions.dispatch(submit(), city.dispatcher)
    duplicate = submit(phone="13900139000")
    with pytest.raises(actions.ValidationFailed):
        actions.merge(duplicate, city.dispatcher, into=duplicate.pk)
    with pytest.raises(actions.ValidationFailed):
        actions.merge(duplicate, city.dispatcher, into=999999)
    case = actions.merge(duplicate, city.dispatcher, into=master.number, reason="同一路灯")
    assert case.state == CaseState.MERGED and case.master == master
    third = submit()
    with pytest.raises(actions.ValidationFailed):
        actions.merge(third, city.dispatcher, into=case.pk)  # cannot merge into a merged case


def test_withdraw_and_invalid(city, submit):
    case = actions.withdraw(submit(), city.operator, reason="市民来电表示已自行解决")
    assert case.state == CaseState.WITHDRAWN
    case = actions.mark_invalid(submit(), city.dispatcher, reason="测试电话")
    assert case.state == CaseState.INVALID
    assert CaseEvent.objects.get(case=case, action="mark_invalid").is_public is False


def test_urge_counts_and_records(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    case = actions.urge(case, city.supervisor, note="请加快办理")
    case = actions.urge(case, city.leader, note="局里督办")
    assert case.urge_count == 2
    assert [e[0] for e in events(case)][-2:] == ["urge", "urge"]


def test_sla_status_reset_by_extension(city, submit):
    start = datetime(2026, 11, 16, 9, tzinfo=TZ)
    with clock.frozen(start):
        case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    Case.objects.filter(pk=case.pk).update(sla_status=SlaStatus.APPROACHING)
    case = Case.objects.get(pk=case.pk)
    with clock.frozen(start + timedelta(days=1)):
        case = actions.request_extension(case, city.handler, days=5, reason="等待材料")
        case = actions.decide_extension(case, city.leader, approve=True)
    assert case.sla_status == SlaStatus.ON_TIME
