from django import template

from civicdesk.cases import clock
from civicdesk.cases.models import OPEN_STATES

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination links keep the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def sla_class(case):
    """overdue / approaching for an open case whose deadline has passed or is near; empty otherwise."""
    if case.state not in OPEN_STATES or case.due_at is None:
        return ""
    now = clock.now()
    if case.due_at < now:
        return "overdue"
    if case.sla_status == "approaching" or (case.warn_at and case.warn_at < now):
        return "approaching"
    return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def sla_css(case):
    return sla_class(case)


_TEXT_KEYS = ("text", "answer", "reason", "note", "comment")


@register.simple_tag
def event_text(event):
    """The human part of an event: the reply, reason or note it carries, and who it went to."""
    payload = event.payload or {}
    parts = []
    if payload.get("unit"):
        parts.append("→ " + str(payload["unit"]))
    if payload.get("days"):
        parts.append(f"+{payload['days']}")
    if "approved" in payload:
        parts.append("✔" if payload["approved"] else "✘")
    if payload.get("resolved"):
        from civicdesk.cases.models import Resolved, Satisfied

        parts.append(f"{Resolved(payload['resolved']).label} · {Satisfied(payload['satisfied']).label}")
    for key in _TEXT_KEYS:
        if payload.get(key):
            parts.append(str(payload[key]))
    return "\n".join(parts)
