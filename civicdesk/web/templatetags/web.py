from django import template

from civicdesk.cases import clock
from civicdesk.cases.events import describe
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


@register.simple_tag
def event_text(event):
    return describe(event)
