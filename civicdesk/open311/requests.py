"""GeoReport `requests`: a case as a service request, searching them, and creating one from a POST."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from civicdesk.cases import clock, intake
from civicdesk.cases.errors import ValidationFailed
from civicdesk.cases.models import FINAL_STATES, Case, CaseState
from civicdesk.cases.privacy import mask_text
from civicdesk.catalogue.models import Channel

from .formats import Open311Error
from .models import Submission
from .services import clean_attributes, find_service

DESCRIPTION_MAX = 4000
DEFAULT_SPAN = timedelta(days=90)
MAX_SPAN = timedelta(days=90)
DEFAULT_LIMIT = 1000
# Ledger fields named as GeoReport names them, for error messages.
FIELD_NAMES = {
    "description": "description",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "phone": "phone",
    "name": "first_name",
    "category": "service_code",
    "kind": "attribute[kind]",
    "title": "attribute[title]",
}


def utc(moment):
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_of(case):
    return "closed" if case.state in FINAL_STATES else "open"


def status_notes(case):
    if case.state == CaseState.MERGED and case.master_id:
        return _("已并入工单 %(n)s，办理进度见该工单") % {"n": case.master.number}
    if case.state in (CaseState.WITHDRAWN, CaseState.INVALID):
        return f"{CaseState(case.state).label}{_('：')}{case.final_reason}"
    if case.reply and case.state in (CaseState.REPLIED, CaseState.CLOSED):
        return case.reply
    return str(CaseState(case.state).label)


def service_notice(case):
    if case.due_at and case.state not in FINAL_STATES:
        return _("承诺 %(due)s 前答复") % {"due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")}
    return None


def with_related(queryset):
    return queryset.select_related("category", "responsible_unit", "master", "open311_submission")


def request_document(case, extensions=False):
    submission = getattr(case, "open311_submission", None)
    document = {
        "service_request_id": case.number,
        "status": status_of(case),
        "status_notes": mask_text(status_notes(case)),
        "service_name": case.category.name if case.category_id else None,
        "service_code": str(case.category_id) if case.category_id else None,
        "description": mask_text(case.description),
        "agency_responsible": case.responsible_unit.name if case.responsible_unit_id else None,
        "service_notice": service_notice(case),
        "requested_datetime": utc(case.received_at),
        "updated_datetime": utc(case.updated_at),
        "expected_datetime": utc(case.due_at),
        "address": case.address or None,
        "address_id": (submission.address_id or None) if submission else None,
        "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": (submission.media_url or None) if submission else None,
    }
    if extensions:
        document["extended_attributes"] = {
            "ledger_state": case.state,
            "ledger_state_name": str(CaseState(case.state).label),
            "kind": case.kind,
            "channel": case.channel,
            "category": case.category.full_name if case.category_id else None,
            "merged_into": case.master.number if case.master_id else None,
            "reopen_count": case.reopen_count,
            "closed_datetime": utc(case.closed_at),
        }
    return document


# --- reading parameters ---------------------------------------------------------------------------------


def parse_moment(name, value, end_of_day=False):
    """An aware datetime from ISO 8601 (a date alone means the start, or with end_of_day the end, of it)."""
    value = (value or "").strip()
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, datetime.max.time() if end_of_day else datetime.min.time())
    if moment is None:
        raise Open311Error(
            400, _("%(name)s 须为 ISO 8601 日期时间，如 2026-05-01T08:00:00Z") % {"name": name}
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_positive(params, name, default, maximum=None):
    value = params.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise Open311Error(400, _("%(name)s 须为正整数") % {"name": name})
    return min(int(value), maximum) if maximum else int(value)


def parse_bbox(value):
    """`bbox=min_long,min_lat,max_long,max_lat` (west, south, east, north, as GeoJSON orders them)."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise Open311Error(400, _("bbox 须为 最小经度,最小纬度,最大经度,最大纬度")) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise Open311Error(400, _("bbox 须为 最小经度,最小纬度,最大经度,最大纬度")) from None
    return west, south, east, north


def search(params):
    """The cases a `GET requests` asks for, and the page of them to return."""
    cases = Case.objects.all()
    ids = [v.strip() for v in params.get("service_request_id", "").split(",") if v.strip()]
    if ids:
        # The ids override every other parameter, as the specification says.
        return with_related(cases.filter(number__in=ids[:DEFAULT_LIMIT]).order_by("-received_at"))
    codes = [v.strip() for v in params.get("service_code", "").split(",") if v.strip()]
    if codes:
        if not all(code.isdigit() for code in codes):
            raise Open311Error(400, _("service_code 须为服务代码，多个用逗号分隔"))
        cases = cases.filter(category_id__in=[int(c) for c in codes])
    start = parse_moment("start_date", params["start_date"]) if params.get("start_date") else None
    end = parse_moment("end_date", params["end_date"], end_of_day=True) if params.get("end_date") else None
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - DEFAULT_SPAN
    if end is None:
        end = start + DEFAULT_SPAN
    if end < start:
        raise Open311Error(400, _("end_date 不能早于 start_date"))
    if end - start > MAX_SPAN + timedelta(days=1):
        raise Open311Error(400, _("start_date 与 end_date 最多相隔90天"))
    cases = cases.filter(received_at__gte=start, received_at__lte=end)
    status = params.get("status", "").strip().lower()
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed"))
        if wanted == {"open"}:
            cases = cases.exclude(state__in=FINAL_STATES)
        elif wanted == {"closed"}:
            cases = cases.filter(state__in=FINAL_STATES)
    if params.get("updated_after"):
        cases = cases.filter(updated_at__gt=parse_moment("updated_after", params["updated_after"]))
    if params.get("updated_before"):
        cases = cases.filter(updated_at__lt=parse_moment("updated_before", params["updated_before"]))
    if params.get("bbox"):
        west, south, east, north = parse_bbox(params["bbox"])
        cases = cases.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
        )
    page = parse_positive(params, "page", 1)
    size = parse_positive(params, "page_size", DEFAULT_LIMIT, maximum=DEFAULT_LIMIT)
    ordered = with_related(cases.order_by("-received_at", "-pk"))
    return ordered[(page - 1) * size : page * size]


# --- creating ---------------------------------------------------------------------------------------------


def attributes_from(post):
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` → {code: v or [v1, v2]}."""
    given = {}
    for key in post:
        if not key.startswith("attribute[") or "]" not in key:
            continue
        code = key[len("attribute[") : key.index("]")]
        rest = key[key.index("]") + 1 :]
        if rest == "[]":
            given[code] = post.getlist(key)
        else:
            values = post.getlist(key)
            given[code] = values if len(values) > 1 else values[0]
    return given


def check_post(post):
    """Everything a POST requests must satisfy before the ledger's own intake checks; problems listed."""
    problems = []
    category = None
    code = post.get("service_code", "").strip()
    if not code:
        problems.append(_("service_code 必填"))
    else:
        category = find_service(code)
        if category is None:
            raise Open311Error(404, _("没有这个服务：%(code)s") % {"code": code[:50]})
    has_point = post.get("lat", "").strip() != "" or post.get("long", "").strip() != ""
    if has_point and not (post.get("lat", "").strip() and post.get("long", "").strip()):
        problems.append(_("lat 和 long 须同时提供"))
    if not (has_point or post.get("address_string", "").strip() or post.get("address_id", "").strip()):
        problems.append(_("位置必填：lat 和 long，或 address_string，或 address_id"))
    if len(post.get("description", "")) > DESCRIPTION_MAX:
        problems.append(_("description 最多%(n)d字") % {"n": DESCRIPTION_MAX})
    email = post.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("email 格式不正确"))
    media_url = post.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append(_("media_url 须为 http 或 https 网址"))
    for name in ("device_id", "account_id", "address_id"):
        if len(post.get(name, "")) > 100:
            problems.append(_("%(name)s 最多100字") % {"name": name})
    attributes = {}
    if category is not None:
        try:
            attributes = clean_attributes(category, attributes_from(post))
        except Open311Error as exc:
            problems += exc.descriptions
    if problems:
        raise Open311Error(400, *problems)
    return category, attributes


def intake_data(post, category, attributes):
    subcategory = attributes.get("subcategory")
    name = " ".join(p for p in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if p)
    address = post.get("address_string", "").strip()
    if not address and post.get("address_id", "").strip():
        address = _("地址编号 %(id)s") % {"id": post["address_id"].strip()}
    description = post.get("description", "").strip()
    if attributes.get("details"):
        description = f"{description}\n{attributes['details']}".strip()
    return {
        "channel": Channel.API,
        "kind": attributes.get("kind") or "",
        "category": subcategory or str(category.pk),
        "title": attributes.get("title", ""),
        "description": description,
        "address": address,
        "latitude": post.get("lat", "").strip(),
        "longitude": post.get("long", "").strip(),
        "name": name,
        "phone": post.get("phone", "").strip(),
    }


def _submission_fields(post, attributes):
    return {
        "email": post.get("email", "").strip(),
        "device_id": post.get("device_id", "").strip(),
        "account_id": post.get("account_id", "").strip(),
        "address_id": post.get("address_id", "").strip(),
        "media_url": post.get("media_url", "").strip(),
        "attributes": attributes,
    }


def intake_errors(exc):
    return [
        f"{FIELD_NAMES.get(field, field)}{_('：')}{message}"
        for field, messages in exc.errors.items()
        for message in messages
    ]


def create(api_key, post, client_request_id=""):
    """A POST requests → (submission, created). A retried POST with the same client request id returns the
    first submission. Nothing is written when anything is wrong."""
    client_request_id = client_request_id.strip()[:100]
    category, attributes = check_post(post)
    data = intake_data(post, category, attributes)
    fields = {
        "api_key": api_key,
        "client_request_id": client_request_id,
        **_submission_fields(post, attributes),
    }
    try:
        if settings.OPEN311_BATCH:
            intake.validate(data, require_phone=False)  # refuse now what the worker would refuse later
            with transaction.atomic():
                submission = Submission.objects.create(data=data, **fields)
            from .tasks import process_submission

            transaction.on_commit(lambda: process_submission.enqueue(submission.pk))
        else:
            prepared = intake.prepare(data, require_phone=False)  # reads only: before the write lock
            with transaction.atomic():
                case = intake.submit(actor=api_key.user, prepared=prepared)
                submission = Submission.objects.create(case=case, **fields)
    except ValidationFailed as exc:
        raise Open311Error(400, *intake_errors(exc)) from None
    except IntegrityError:
        # A retry: the unique client request id refused the second record (and the whole transaction with
        # it), so the retry answers with the first case. Retries are rare; checking for one before the work
        # would cost every request a read.
        earlier = Submission.objects.filter(api_key=api_key, client_request_id=client_request_id).first()
        if earlier is None:
            raise
        return earlier, False
    return submission, True
