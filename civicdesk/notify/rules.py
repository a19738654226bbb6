"""Who hears about which event (the notification rules).

Each rule names the event that triggers it, who receives it and the message template
(templates/notify/messages/<rule>.txt). Citizens hear of their own case by SMS (and in the app when they
have an account); staff hear in the app, and by e-mail or SMS as their preferences say."""

from dataclasses import dataclass

from django.conf import settings

from civicdesk.cases.models import OPEN_STATES
from civicdesk.org.models import Role, User

from .models import Channel, Preference


@dataclass(frozen=True)
class Recipient:
    key: str
    user: object
    language: str
    channels: tuple  # ((channel, address), ...)


def _staff(users):
    users = list(users)
    preferences = {p.user_id: p for p in Preference.objects.filter(user__in=users)}
    recipients = []
    for user in users:
        preference = preferences.get(user.pk) or Preference(user=user)
        channels = [(Channel.INAPP, "")]
        if preference.email and user.email:
            channels.append((Channel.EMAIL, user.email))
        if preference.sms and user.phone:
            channels.append((Channel.SMS, user.phone))
        language = preference.language or settings.LANGUAGE_CODE
        recipients.append(Recipient(f"u{user.pk}", user, language, tuple(channels)))
    return recipients


def citizen(case, event):
    person = case.citizen
    if person is None:
        return []
    channels = [(Channel.SMS, person.phone)] if person.phone else []
    if person.user_id:
        channels.append((Channel.INAPP, ""))
    if not channels:
        return []
    key = f"u{person.user_id}" if person.user_id else f"t{person.phone}"
    return [Recipient(key, person.user if person.user_id else None, settings.LANGUAGE_CODE, tuple(channels))]


def _units_staff(unit_ids, roles=(Role.HANDLER, Role.LEADER)):
    """The active staff of these units with these roles."""
    ids = [i for i in unit_ids if i]
    if not ids:
        return []
    return _staff(User.objects.filter(unit_id__in=ids, role__in=roles, is_active=True).order_by("pk"))


def _unit_users(case, roles):
    return _units_staff([case.responsible_unit_id], roles)


def unit_staff(case, event):
    return _unit_users(case, [Role.HANDLER, Role.LEADER])


def unit_handlers(case, event):
    return _unit_users(case, [Role.HANDLER])


def summoned_units(case, event):
    """The staff of the units a summons called (吹哨), or of the one unit an event names."""
    return _units_staff(event.payload.get("unit_ids") or [event.payload.get("unit_id")])


def summoned_unit_leaders(case, event):
    return _units_staff([event.payload.get("unit_id")], [Role.LEADER])


def duty_owner_and_unit(case, event):
    """The duty list's owner and the unit's staff (each once)."""
    recipients = unit_staff(case, event)
    if case.duty_owner_id and f"u{case.duty_owner_id}" not in {r.key for r in recipients}:
        recipients += _staff(User.objects.filter(pk=case.duty_owner_id, is_active=True))
    return recipients


def supervisors(case, event):
    return _staff(User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk"))


def dispatchers(case, event):
    return _staff(User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("pk"))


def _reopened(event):
    return event.to_state in OPEN_STATES


def _return_approved(event):
    return bool(event.payload.get("approved"))


@dataclass(frozen=True)
class Rule:
    name: str
    recipients: object
    when: object = None  # a further condition on the event


RULES = {
    "receive": [Rule("ack", citizen)],
    "dispatch": [Rule("assigned", unit_staff)],
    "redispatch": [Rule("assigned", unit_staff)],
    "resolve_dispute": [Rule("assigned", unit_staff)],
    "sla_approaching": [Rule("approaching", unit_handlers)],
    "sla_overdue": [Rule("overdue", unit_staff), Rule("escalated", supervisors)],
    "contact_overdue": [Rule("contact_overdue", unit_handlers)],
    "urge": [Rule("urged", unit_staff)],
    "interim_reply": [Rule("progress", citizen)],
    "reply": [Rule("replied", citizen)],
    "rate": [Rule("reopened", unit_staff, _reopened)],
    "reopen": [Rule("reopened", unit_staff, _reopened)],
    "decide_return": [Rule("returned", dispatchers, _return_approved)],
    "summon": [Rule("summoned", summoned_units)],
    "report_in": [Rule("reported_in", unit_staff)],
    "report_in_overdue": [Rule("report_in_late", summoned_unit_leaders), Rule("report_in_late", unit_staff)],
    "plan_duty": [Rule("long_term", citizen)],
    "milestone_overdue": [Rule("milestone_late", duty_owner_and_unit)],
}
