"""Setting, pausing and extending a case's deadlines (办理时限) from the SLA rules."""

from datetime import timedelta

from django.conf import settings

from civicdesk.catalogue.calendar import WorkCalendar
from civicdesk.catalogue.models import SlaRule

from .models import SlaStatus

# Used only when an administrator deleted every rule: the general 7-working-day limit.
FALLBACK = {"resolve": timedelta(days=7), "natural": False, "contact_hours": 24}


def _rule_terms(rule):
    if rule is None:
        return FALLBACK["resolve"], FALLBACK["natural"], FALLBACK["contact_hours"]
    return rule.resolve_timedelta(), rule.resolve_duration_is_natural, rule.contact_hours


def warn_at(start, due_at):
    share = settings.CIVICDESK_APPROACHING_SHARE
    return start + (due_at - start) * share


def start_clock(case, start, calendar=None):
    """(Re)starts both deadlines at `start` using the rule for the case's priority and category."""
    calendar = calendar or WorkCalendar.from_db()
    rule = SlaRule.for_case(case.priority, case.category)
    resolve, natural, contact_hours = _rule_terms(rule)
    case.sla_rule = rule
    case.clock_started_at = start
    case.contact_due_at = start + timedelta(hours=contact_hours)
    case.due_at = calendar.add(start, resolve, natural)
    case.warn_at = warn_at(start, case.due_at)
    case.paused_at = None
    case.sla_status = SlaStatus.ON_TIME


def pause(case, now, reason):
    """Stops the clock if the case's rule says this kind of waiting does not count against the unit."""
    rule = case.sla_rule
    if case.paused_at or rule is None:
        return False
    if (reason == "extension" and rule.pause_while_extension_pending) or (
        reason == "dispute" and rule.pause_while_disputed
    ):
        case.paused_at = now
        return True
    return False


def resume(case, now, calendar=None):
    """Restarts a paused clock: every deadline moves later by the time spent paused."""
    if not case.paused_at:
        return timedelta(0)
    calendar = calendar or WorkCalendar.from_db()
    _, natural, _ = _rule_terms(case.sla_rule)
    paused_for = calendar.between(case.paused_at, now, natural)
    natural_pause = now - case.paused_at
    if case.due_at:
        case.due_at = calendar.add(case.due_at, paused_for, natural)
    if case.warn_at:
        case.warn_at = case.warn_at + natural_pause
    if case.contact_due_at and not case.first_contact_at:
        case.contact_due_at = case.contact_due_at + natural_pause
    case.paused_at = None
    return paused_for


def extend(case, days, now, calendar=None):
    """Moves the resolution deadline `days` working days later (an approved 延期)."""
    calendar = calendar or WorkCalendar.from_db()
    case.due_at = calendar.add_working(case.due_at, timedelta(days=days))
    case.warn_at = warn_at(case.clock_started_at or now, case.due_at)
    case.sla_status = SlaStatus.ON_TIME if case.due_at > now else SlaStatus.OVERDUE
