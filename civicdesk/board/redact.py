"""Removes personal data from free text before the public sees it (公示).

Citizens write their phone number, ID number, house number and name into the request itself ("我叫王小明，
住8栋2单元501室，电话13912345678"), and replies quote them back. Everything the public board shows goes
through `redact`: identifiers are replaced by a marker saying what was removed, names after the usual
markers (我叫, 姓名, 联系人 …) and the names the ledger knows (the citizen's own) are masked.

Errs on the side of removing: any run of seven or more digits goes (phones with or without area code,
ID numbers, bank cards, QQ numbers); numbers that say where a home is (栋, 单元, 室, 5-2-301) go; a bus line,
a street or a year stays readable."""

import re

from django.utils.translation import gettext as _

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)")
LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")  # seven or more digits, however spaced
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HOUSE = re.compile(
    r"\d+\s*(?:号楼|栋|幢|座)(?:\s*\d+\s*单元)?(?:\s*\d+\s*(?:室|号|户)?)?"
    r"|\d+\s*单元(?:\s*\d+\s*(?:室|号|户)?)?"
    r"|\d+\s*(?:室|户)"
    r"|(?<![\d-])\d{1,3}-\d{1,3}-\d{2,4}(?![\d-])"
)
# Markers that are followed by a name and little else ("我是", "业主" are too common to trust). The name is
# the next two to four characters when a pause follows them, else the next two: over-masking a verb is the
# safe error.
NAME_AFTER = re.compile(
    r"(我叫|姓名|名叫|叫做|联系人|户主)([:：\s]*)"
    r"([\u4e00-\u9fff]{2,4}(?=[，。,.、；;\s（(]|$|电话|手机|住|身份证)|[\u4e00-\u9fff]{2})"
)


def _digits(match):
    return sum(ch.isdigit() for ch in match.group(0))


def mask_name(name):
    return name[0] + "某" * (len(name) - 1) if name else name


def redact(text, names=()):
    """The text with phone, ID, house numbers, e-mail addresses and names masked."""
    if not text:
        return ""
    text = ID_NUMBER.sub(lambda m: _("[身份证号]"), text)
    text = PHONE.sub(lambda m: _("[电话]"), text)
    text = LANDLINE.sub(lambda m: _("[电话]"), text)
    text = EMAIL.sub(lambda m: _("[邮箱]"), text)
    text = HOUSE.sub(lambda m: _("[门牌号]"), text)
    text = LONG_NUMBER.sub(lambda m: _("[号码]") if _digits(m) >= 7 else m.group(0), text)
    text = NAME_AFTER.sub(lambda m: f"{m.group(1)}{m.group(2)}{mask_name(m.group(3))}", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
