"""What an event says in words, for the case page, the citizen's timeline and API clients."""

from .models import Resolved, Satisfied

_TEXT_KEYS = ("text", "answer", "reason", "note", "comment")


def describe(event):
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
        parts.append(f"{Resolved(payload['resolved']).label} · {Satisfied(payload['satisfied']).label}")
    for key in _TEXT_KEYS:
        if payload.get(key):
            parts.append(str(payload[key]))
    return "\n".join(parts)
