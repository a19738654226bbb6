"""Writes the notifications an event calls for, inside the transaction that wrote the event."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_datetime

from .models import Channel, DeliveryState, Notification
from .rules import RULES

SUBJECT_MAX = 200


def render(rule, language, context):
    """(subject, body) from templates/notify/messages/<rule>.txt: the first line is the subject."""
    with translation.override(language):
        text = render_to_string(f"notify/messages/{rule}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip()[:SUBJECT_MAX], body.strip()


def write(event, case=None):
    """Creates the event's notifications; returns them. `case` spares a read when the caller holds it."""
    rules = RULES.get(event.action)
    if not rules:
        return []
    case = case or event.case
    # Moments in a payload are ISO strings; as datetimes, templates show them in local time.
    moments = {
        key: parse_datetime(value)
        for key, value in event.payload.items()
        if key.endswith("_at") and isinstance(value, str)
    }
    context = {"case": case, "event": event, "payload": event.payload, "moments": moments}
    notifications = []
    for rule in rules:
        if rule.when is not None and not rule.when(event):
            continue
        rendered = {}
        for recipient in rule.recipients(case, event):
            if recipient.language not in rendered:
                rendered[recipient.language] = render(rule.name, recipient.language, context)
            subject, body = rendered[recipient.language]
            for channel, address in recipient.channels:
                stored = channel == Channel.INAPP  # stored is delivered: the inbox reads it
                notifications.append(
                    Notification(
                        rule=rule.name,
                        channel=channel,
                        recipient=recipient.key,
                        user=recipient.user,
                        address=address,
                        case=case,
                        event=event,
                        language=recipient.language,
                        subject=subject,
                        body=body,
                        state=DeliveryState.SENT if stored else DeliveryState.PENDING,
                        next_attempt_at=None if stored else event.created_at,
                        created_at=event.created_at,
                        sent_at=event.created_at if stored else None,
                    )
                )
    return Notification.objects.bulk_create(notifications)
