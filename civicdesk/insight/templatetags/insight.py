from django import template

from civicdesk.insight.models import HOUR_EDGES

register = template.Library()


@register.filter
def percent(value):
    """0.935 → "93.5%"; None (nothing to measure) → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def score(value):
    return "—" if value is None else f"{value:.2f}"


@register.filter
def hours(value):
    if value is None:
        return "—"
    if value == float("inf"):
        return f"> {HOUR_EDGES[-1]}"
    return f"{value:.1f}"


@register.filter
def signed(value, digits=2):
    if value is None:
        return ""
    return f"{value:+.{digits}f}" if isinstance(value, float) else f"{value:+d}"


@register.filter
def sum_of(values):
    return sum(values or ())
