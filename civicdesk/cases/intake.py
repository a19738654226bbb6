"""Intake (受理): turning what a citizen said into a case on the ledger.

`submit` validates everything first and reports every problem at once, field by field, so a form or an API
client can show them all; nothing is written unless the whole request is valid."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Channel, Kind, Priority
from civicdesk.insight import rollups
from civicdesk.org.models import Unit

from . import clock, deadlines
from .actions import record_event, resolve_category
from .attachments import check_upload, store
from .errors import ValidationFailed
from .models import Case, Citizen
from .numbering import next_number
from .validation import ADDRESS_MAX, DESCRIPTION_MAX, NAME_MAX, TITLE_MAX, check_text, normalize_phone

TITLE_FROM_DESCRIPTION = 30


def _coordinate(errors, field, value, low, high, label):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        errors.setdefault(field, []).append(
            _("%(label)s须为 %(low)s 到 %(high)s 之间的数") % {"label": label, "low": low, "high": high}
        )
        return None
    return number.quantize(Decimal("0.000001"))


def _area(errors, value):
    if value in (None, ""):
        return None
    if isinstance(value, Unit):
        unit = value
    elif "\x00" in str(value):
        unit = None
    else:
        query = Unit.objects.filter(code=str(value))
        if str(value).isdigit():
            query = Unit.objects.filter(pk=int(value)) | query
        unit = query.first()
    if unit is None:
        errors.setdefault("area", []).append(_("区域不存在：%(v)s") % {"v": value})
        return None
    if not unit.is_area:
        errors.setdefault("area", []).append(_("%(v)s 不是区域（市、区、街乡镇或社区村）") % {"v": unit.name})
        return None
    return unit


def validate(data, files=(), *, require_phone=True):
    """Cleaned values and checked files, or ValidationFailed listing every problem.

    Open311 clients may leave no phone (they follow the request themselves); every other channel must."""
    errors = {}
    cleaned = {}
    kind = data.get("kind") or Kind.COMPLAINT
    if kind not in Kind.values:
        errors["kind"] = [_("诉求类型无效：%(v)s") % {"v": kind}]
    cleaned["kind"] = kind
    channel = data.get("channel") or Channel.WEB
    if channel not in Channel.values:
        errors["channel"] = [_("渠道无效：%(v)s") % {"v": channel}]
    cleaned["channel"] = channel
    cleaned["description"] = check_text(
        errors, "description", data.get("description"), _("诉求内容"), maximum=DESCRIPTION_MAX
    )
    title = check_text(errors, "title", data.get("title"), _("标题"), required=False, maximum=TITLE_MAX)
    if not title and cleaned["description"]:
        title = cleaned["description"].splitlines()[0][:TITLE_FROM_DESCRIPTION]
    cleaned["title"] = title
    cleaned["address"] = check_text(
        errors, "address", data.get("address"), _("地址"), required=False, maximum=ADDRESS_MAX
    )
    cleaned["name"] = check_text(
        errors, "name", data.get("name"), _("姓名"), required=False, maximum=NAME_MAX
    )
    raw_phone = data.get("phone")
    phone = normalize_phone(raw_phone)
    if not (raw_phone or "").strip():
        if require_phone:
            errors["phone"] = [_("请留下联系电话，以便承办单位联系和回访")]
    elif not phone:
        errors["phone"] = [
            _("电话号码格式不正确：%(v)s（手机号11位，座机请带区号）") % {"v": str(raw_phone)[:30]}
        ]
    cleaned["phone"] = phone
    try:
        cleaned["category"] = resolve_category(data.get("category"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
        cleaned["category"] = None
    priority = data.get("priority") or (
        cleaned["category"].default_priority if cleaned["category"] else Priority.NORMAL
    )
    if priority not in Priority.values:
        errors["priority"] = [_("优先级无效：%(v)s") % {"v": priority}]
    cleaned["priority"] = priority
    cleaned["area"] = _area(errors, data.get("area"))
    cleaned["latitude"] = _coordinate(errors, "latitude", data.get("latitude"), -90, 90, _("纬度"))
    cleaned["longitude"] = _coordinate(errors, "longitude", data.get("longitude"), -180, 180, _("经度"))
    checked_files = []
    for name, content in files:
        stored, content_type, ext, problem = check_upload(name, content)
        if problem:
            errors.setdefault("attachments", []).append(problem)
        else:
            checked_files.append((name, stored, content_type, ext))
    if errors:
        raise ValidationFailed(errors)
    return cleaned, checked_files


@dataclass
class Prepared:
    """What intake works out before it writes: checked values and files, the classifier's suggestion, the
    known caller and the duplicate check. Computed outside the write transaction (on SQLite a write
    transaction holds the database's one write lock)."""

    cleaned: dict
    files: list
    classification: dict
    auto_category: object
    auto_unit: object
    citizen: object
    duplicate_check: dict


def prepare(data, files=(), *, require_phone=True):
    """Reads and checks everything a new case needs; writes nothing. ValidationFailed lists every problem."""
    from civicdesk.classifier import routing
    from civicdesk.insight import duplicates

    cleaned, checked_files = validate(data, files, require_phone=require_phone)
    classification = routing.classify(cleaned["title"], cleaned["description"])
    auto_category, auto_unit = routing.decide(classification, cleaned["category"], cleaned["area"])
    citizen = Citizen.objects.filter(phone=cleaned["phone"]).first() if cleaned["phone"] else None
    duplicate_check = duplicates.check(
        cleaned["title"], cleaned["description"], citizen, cleaned["area"], clock.now()
    )
    return Prepared(
        cleaned, checked_files, classification, auto_category, auto_unit, citizen, duplicate_check
    )


def submit(data=None, actor=None, files=(), *, require_phone=True, route=True, prepared=None):
    """Creates a case in state 'received' from `data` (a dict of strings, as a form or API sends it).

    `files` is a sequence of (file name, bytes). The classifier's suggestions are stored with the case and,
    when `route` and the classifier is sure enough (classifier/routing.py), the case is dispatched at once.
    A caller that holds a transaction passes `prepared` (from `prepare`, done before it). Returns the case."""
    from civicdesk.classifier import routing
    from civicdesk.insight import duplicates

    p = prepared or prepare(data, files, require_phone=require_phone)
    cleaned, checked_files, classification = p.cleaned, p.files, p.classification
    auto_category, auto_unit, duplicate_check = p.auto_category, p.auto_unit, p.duplicate_check
    # No savepoint of its own: inside a caller's transaction (Open311 adds its record) one rollback is enough.
    with transaction.atomic(savepoint=False):
        now = clock.now()
        citizen = p.citizen
        if cleaned["phone"]:
            created = citizen is None
            if created:
                try:
                    with transaction.atomic():  # a savepoint only for a new caller, who may be racing
                        citizen = Citizen.objects.create(phone=cleaned["phone"], name=cleaned["name"])
                except IntegrityError:
                    citizen, created = Citizen.objects.get(phone=cleaned["phone"]), False
            if not created and cleaned["name"] and not citizen.name:
                citizen.name = cleaned["name"]
                citizen.save(update_fields=["name"])
        case = Case(
            number=next_number(now),
            channel=cleaned["channel"],
            kind=cleaned["kind"],
            priority=cleaned["priority"],
            title=cleaned["title"],
            description=cleaned["description"],
            category=cleaned["category"],
            address=cleaned["address"],
            latitude=cleaned["latitude"],
            longitude=cleaned["longitude"],
            area=cleaned["area"],
            citizen=citizen,
            created_by=actor if getattr(actor, "pk", None) else None,
            received_at=now,
            updated_at=now,
            classification=classification,
            duplicate_check=duplicate_check,
        )
        deadlines.start_clock(case, now)
        case.save()
        duplicates.index(case)
        event = record_event(case, actor, "receive", {"channel": case.channel, "kind": case.kind}, at=now)
        rollups.record_change(case.pk, None, rollups.values_of(case))
        for name, content, content_type, ext in checked_files:
            store(case, name, content, content_type, ext, uploaded_by=actor, event=event)
    if route and auto_unit is not None:
        case = routing.dispatch_if_sure(case, auto_category, auto_unit)
    return case
