"""Delivery: retried after a failure, given up after the last attempt, recovered from a dead worker, sent
once; the HTTP SMS gateway and the console backend; no phone number in the logs."""

import logging
from datetime import timedelta

import pytest

from civicdesk.cases import clock
from civicdesk.notify import delivery
from civicdesk.notify.delivery import BACKOFF, MAX_ATTEMPTS, deliver_due
from civicdesk.notify.models import DeliveryState, Notification
from civicdesk.notify.sms import MemoryBackend

from .gateway import Gateway


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.HttpGatewayBackend"
    settings.CIVICDESK_SMS_URL = server.url
    settings.CIVICDESK_SMS_TOKEN = "secret-token"
    yield server
    server.close()


def ack(submit):
    case = submit()
    return case, Notification.objects.get(rule="ack")


def test_the_http_gateway_receives_the_message_with_the_token(city, submit, gateway):
    case, note = ack(submit)
    assert deliver_due()["sent"] == 1
    [(authorization, body)] = gateway.received
    assert authorization == "Bearer secret-token"
    assert body == {"to": "13800138000", "text": note.body} and case.number in body["text"]


def test_a_failing_gateway_is_retried_later_then_given_up(city, submit, gateway):
    gateway.status = 503
    case, note = ack(submit)
    now = clock.now()
    assert deliver_due(now) == {"sent": 0, "retry": 1, "failed": 0}
    note.refresh_from_db()
    assert note.state == DeliveryState.PENDING and note.attempts == 1
    assert note.last_error == "SmsError: gateway answered HTTP 503"  # no number in the error
    assert note.next_attempt_at >= now + BACKOFF[0]
    assert deliver_due(now + timedelta(seconds=30))["retry"] == 0  # not due yet
    moment = now
    for attempt in range(2, MAX_ATTEMPTS + 1):
        moment += BACKOFF[attempt - 2] + timedelta(seconds=1)
        with clock.frozen(moment):
            outcome = deliver_due(moment)
        note.refresh_from_db()
        assert note.attempts == attempt
    assert outcome == {"sent": 0, "retry": 0, "failed": 1}
    assert note.state == DeliveryState.FAILED
    assert len(gateway.received) == MAX_ATTEMPTS
    assert deliver_due(moment + timedelta(days=2)) == {"sent": 0, "retry": 0, "failed": 0}


def test_a_gateway_that_comes_back_gets_the_message(city, submit, gateway):
    gateway.status = 500
    case, note = ack(submit)
    now = clock.now()
    deliver_due(now)
    gateway.status = 200
    later = now + BACKOFF[0] + timedelta(seconds=1)
    with clock.frozen(later):
        assert deliver_due(later)["sent"] == 1
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and note.last_error == ""


def test_an_unreachable_gateway_is_an_error_not_a_crash(city, submit, settings):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.HttpGatewayBackend"
    settings.CIVICDESK_SMS_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    case, note = ack(submit)
    assert deliver_due()["retry"] == 1
    note.refresh_from_db()
    assert note.last_error.startswith("SmsError: gateway unreachable")


def test_a_worker_killed_while_sending_leaves_it_to_another(city, submit, settings):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.MemoryBackend"
    MemoryBackend.outbox = []
    case, note = ack(submit)
    now = clock.now()
    # A worker claimed it and died before marking it sent.
    Notification.objects.filter(pk=note.pk).update(
        state=DeliveryState.SENDING, claimed_until=now + delivery.LEASE, attempts=1
    )
    assert deliver_due(now)["sent"] == 0  # its lease still runs: nobody else sends it
    assert deliver_due(now + delivery.LEASE + timedelta(seconds=1))["sent"] == 1
    assert len(MemoryBackend.outbox) == 1


def test_the_console_backend_never_logs_the_whole_number(city, submit, settings, caplog):
    settings.CIVICDESK_SMS_BACKEND = "civicdesk.notify.sms.ConsoleBackend"
    caplog.set_level(logging.INFO)
    submit()
    deliver_due()
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text


def test_in_app_notifications_are_delivered_when_stored(city, submit):
    from civicdesk.cases import actions

    actions.dispatch(submit(), city.dispatcher)
    inapp = Notification.objects.filter(channel="inapp")
    assert inapp.exists() and all(n.state == DeliveryState.SENT for n in inapp)
    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}  # only the citizen's SMS
