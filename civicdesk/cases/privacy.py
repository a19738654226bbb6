"""Masking of personal data wherever the full value is not needed."""

import re


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; shorter numbers show only their last four."""
    digits = phone or ""
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep their first letter."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Masks mobile numbers inside free text."""
    return PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text or "")
