"""Each event tells the right people, on the channels they chose, in their language; nothing else."""

import pytest
from django.core import mail

from civicdesk.cases import actions
from civicdesk.cases.permissions import CitizenProof
from civicdesk.notify.delivery import deliver_due
from civicdesk.notify.models import Channel, DeliveryState, Notification, Preference
from civicdesk.notify.sms import MemoryBackend


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.MemoryBackend"
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def sent(rule):
    """{(recipient, channel)} of the notifications of `rule`."""
    return {(n.recipient, n.channel) for n in Notification.objects.filter(rule=rule)}


def u(user):
    return f"u{user.pk}"


def test_the_citizen_gets_the_case_number_by_sms_at_once(city, submit, sms_outbox):
    case = submit()
    note = Notification.objects.get(rule="ack")
    assert (note.channel, note.recipient, note.address) == (Channel.SMS, "t13800138000", "13800138000")
    assert case.number in note.body and note.state == DeliveryState.PENDING
    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert sms_outbox == [("13800138000", note.body)]
    assert "承诺" in note.body and case.due_at.astimezone().strftime("%Y-%m-%d") in note.body
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and note.sent_at is not None
    assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # sent once


def test_a_citizen_with_an_account_also_reads_it_in_the_app(city, submit):
    from civicdesk.cases.models import Citizen

    Citizen.objects.create(phone="13800138000", user=city.citizen_user)
    submit()
    assert sent("ack") == {(u(city.citizen_user), Channel.SMS), (u(city.citizen_user), Channel.INAPP)}


def test_a_dispatch_tells_the_units_staff_by_their_chosen_channels(city, submit):
    city.handler.email, city.handler.phone = "handler@zjj.example", "13900000001"
    city.handler.save()
    city.leader.email = "leader@zjj.example"
    city.leader.save()
    Preference.objects.create(user=city.leader, email=False, sms=True)  # no phone: SMS impossible
    case = actions.dispatch(submit(), city.dispatcher)
    assert sent("assigned") == {
        (u(city.handler), Channel.INAPP),
        (u(city.handler), Channel.EMAIL),
        (u(city.leader), Channel.INAPP),
    }
    deliver_due()
    assert [m.to for m in mail.outbox] == [["handler@zjj.example"]]
    assert case.number in mail.outbox[0].subject and case.title in mail.outbox[0].body
    # Staff of other units hear nothing.
    assert not Notification.objects.filter(user__in=[city.handler2, city.district_handler]).exists()


def test_a_staff_member_reads_notifications_in_their_language(city, submit):
    Preference.objects.create(user=city.handler, language="en")
    case = actions.dispatch(submit(), city.dispatcher)
    english = Notification.objects.get(rule="assigned", user=city.handler)
    chinese = Notification.objects.get(rule="assigned", user=city.leader)
    assert english.language == "en" and english.subject == f"New case {case.number}"
    assert chinese.subject == f"新派工单 {case.number}"


def test_deadlines_warn_the_unit_and_a_miss_reaches_the_supervisor(city, submit):
    from civicdesk.cases.actions import record_event

    case = actions.dispatch(submit(), city.dispatcher)
    record_event(case, None, "sla_approaching", {"due_at": case.due_at.isoformat()}, public=False)
    assert sent("approaching") == {(u(city.handler), Channel.INAPP)}  # the handler works on it
    record_event(case, None, "contact_overdue", {}, public=False)
    assert sent("contact_overdue") == {(u(city.handler), Channel.INAPP)}
    record_event(case, None, "sla_overdue", {"unit": city.dept.name}, public=False)
    assert sent("overdue") == {(u(city.handler), Channel.INAPP), (u(city.leader), Channel.INAPP)}
    escalated = Notification.objects.get(rule="escalated")
    assert escalated.user == city.supervisor and city.dept.name in escalated.body


def test_urging_tells_the_unit(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    actions.urge(case, city.supervisor, note="群众反映强烈，请今天内联系")
    assert sent("urged") == {(u(city.handler), Channel.INAPP), (u(city.leader), Channel.INAPP)}
    assert "群众反映强烈" in Notification.objects.filter(rule="urged").first().body


def test_progress_and_the_reply_reach_the_citizen_with_the_callback_invitation(city, submit, sms_outbox):
    case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
    case = actions.interim_reply(case, city.handler, text="已安排维修班组，三天内修复")
    case = actions.reply(case, city.handler, text="路灯已于今日修复，经现场核实照明正常。")
    deliver_due()
    texts = [text for phone, text in sms_outbox if phone == "13800138000"]
    assert any("三天内修复" in t for t in texts)
    assert any("经现场核实照明正常" in t and "评价" in t for t in texts)


def test_an_unsatisfied_verdict_tells_the_unit_a_satisfied_one_does_not(city, submit):
    def replied():
        case = actions.accept(actions.dispatch(submit(), city.dispatcher), city.handler)
        return actions.reply(case, city.handler, text="路灯已于今日修复，经现场核实照明正常。")

    happy = replied()
    actions.rate(happy, CitizenProof(happy.citizen_id), resolved="resolved", satisfied="satisfied")
    assert not Notification.objects.filter(rule="reopened").exists()
    unhappy = replied()
    actions.rate(unhappy, CitizenProof(unhappy.citizen_id), resolved="not", satisfied="not")
    reopened = Notification.objects.filter(rule="reopened", case=unhappy)
    assert {n.user for n in reopened} == {city.handler, city.leader}


def test_an_approved_return_goes_to_the_dispatchers(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    case = actions.request_return(case, city.handler, reason="不属于本单位职责，应由交通局办理")
    assert not Notification.objects.filter(rule="returned").exists()
    actions.decide_return(case, city.dispatcher, approve=True)
    assert sent("returned") == {(u(city.dispatcher), Channel.INAPP)}


def test_a_refused_action_announces_nothing(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    before = Notification.objects.count()
    with pytest.raises(actions.CaseConflict):
        actions.urge(case, city.supervisor, note="催办", expected_version=case.version - 1)
    assert Notification.objects.count() == before
