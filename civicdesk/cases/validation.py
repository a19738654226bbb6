"""Checks on what people type in: phone numbers, text lengths, coordinates."""

import re

from django.utils.translation import gettext as _

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 2000
REPLY_MAX = 5000
NAME_MAX = 50
ADDRESS_MAX = 300

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")  # area code + number, e.g. 01012345678
INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")  # E.164


def normalize_phone(raw):
    """A phone number in canonical form, or "" if it is not a valid one.

    Accepts Chinese mobiles (with or without +86), landlines with area code (010-1234 5678) and
    international numbers written with a leading +."""
    text = re.sub(r"[\s\-().\uff08\uff09]", "", str(raw or ""))
    if text.startswith("0086"):
        text = "+86" + text[4:]
    if text.startswith("+86"):
        text = text[3:]
        if LANDLINE.match("0" + text) and not MOBILE.match(text):
            text = "0" + text
    if MOBILE.match(text) or LANDLINE.match(text) or INTERNATIONAL.match(text):
        return text
    return ""


def check_text(errors, field, value, label, *, required=True, maximum):
    """Adds a message to `errors[field]` when `value` is missing or too long; returns the stripped text."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        errors.setdefault(field, []).append(_("%(label)s必须是文字") % {"label": label})
        return ""
    if "\x00" in text:  # PostgreSQL cannot store it; the middleware refuses it elsewhere, not in uploads
        errors.setdefault(field, []).append(_("%(label)s含有不允许的空字符") % {"label": label})
        return ""
    if required and not text:
        errors.setdefault(field, []).append(_("%(label)s不能为空") % {"label": label})
    elif len(text) > maximum:
        errors.setdefault(field, []).append(
            _("%(label)s不能超过%(max)d字（现为%(n)d字）") % {"label": label, "max": maximum, "n": len(text)}
        )
    return text
