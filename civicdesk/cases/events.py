"""What an event says in words, for the case page, the citizen's timeline and API clients."""

from django.utils.translation import gettext as _

from .models import Resolved, Satisfied

_TEXT_KEYS = ("text", "answer", "reason", "note", "comment")


def describe(event):
    """The human part of an event: the reply, reason or note it carries, and who it went to."""
    payload = event.payload or {}
    parts = []
    if payload.get("unit"):
        parts.append("→ " + str(payload["unit"]))
    if payload.get("classifier"):
        parts.append(
            _("智能派单：%(category)s，置信度 %(confidence).0f%%（%(because)s）")
            % {
                "category": payload.get("category", ""),
                "confidence": 100 * float(payload.get("confidence") or 0),
                "because": _("、").join(payload.get("because") or []),
            }
        )
    elif payload.get("corrected"):
        parts.append(_("改正了智能分类的建议：%(label)s") % {"label": payload.get("suggested", "")})
    if payload.get("days"):
        parts.append(f"+{payload['days']}")
    if "approved" in payload:
        parts.append("✔" if payload["approved"] else "✘")
    if payload.get("resolved"):
        parts.append(f"{Resolved(payload['resolved']).label} · {Satisfied(payload['satisfied']).label}")
    for key in _TEXT_KEYS:
        if payload.get(key):
            parts.append(str(payload[key]))
    return "\n".join(parts)
