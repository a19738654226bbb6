"""Sends pending notifications, safe with any number of workers at once.

A worker claims a notification with a conditional UPDATE (pending and due, or claimed by a worker whose lease
ran out) before sending it; only the worker whose UPDATE changed the row sends. A worker killed while sending
leaves the claim to expire after LEASE, and another worker sends it then (so a crash can repeat a message,
never lose one). A failed send is retried after BACKOFF; after the last attempt the notification is marked
failed and shows in the admin with its error."""

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db.models import F, Q

from civicdesk.cases import clock

from . import sms
from .models import Channel, DeliveryState, Notification

LEASE = timedelta(minutes=5)
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
MAX_ATTEMPTS = len(BACKOFF) + 1
ERROR_MAX = 500


def _claimable(now):
    return Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.SENDING, claimed_until__lt=now
    )


def send(notification):
    """Hands one notification to its channel; raises when the channel did not accept it."""
    if notification.channel == Channel.EMAIL:
        EmailMessage(notification.subject, notification.body, to=[notification.address]).send()
    elif notification.channel == Channel.SMS:
        sms.backend().send(notification.address, notification.body)


def deliver(pk, now=None):
    """Claims and sends one notification: "sent", "retry", "failed", or None when another worker has it."""
    now = now or clock.now()
    lease = now + LEASE
    claimed = (
        Notification.objects.filter(_claimable(now), pk=pk)
        .exclude(channel=Channel.INAPP)
        .update(state=DeliveryState.SENDING, claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    notification = Notification.objects.get(pk=pk)
    mine = Notification.objects.filter(pk=pk, state=DeliveryState.SENDING, claimed_until=lease)
    try:
        send(notification)
    except Exception as exc:  # any channel's failure: keep the message and try again later
        error = f"{exc.__class__.__name__}: {exc}"[:ERROR_MAX]
        if notification.attempts >= MAX_ATTEMPTS:
            mine.update(state=DeliveryState.FAILED, claimed_until=None, last_error=error)
            return "failed"
        retry_at = clock.now() + BACKOFF[notification.attempts - 1]
        mine.update(
            state=DeliveryState.PENDING, claimed_until=None, next_attempt_at=retry_at, last_error=error
        )
        return "retry"
    mine.update(state=DeliveryState.SENT, claimed_until=None, sent_at=clock.now(), last_error="")
    return "sent"


def deliver_due(now=None, limit=500):
    """Sends every due notification (at most `limit`); returns {"sent": n, "retry": n, "failed": n}."""
    now = now or clock.now()
    due = (
        Notification.objects.filter(_claimable(now))
        .exclude(channel=Channel.INAPP)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for pk in list(due):
        outcome = deliver(pk, now)
        if outcome:
            counts[outcome] += 1
    return counts
