"""The GeoReport update extension (`servicerequestupdates`): the ledger's public events as updates, and
citizens' additions coming back in as 补充诉求 events."""

from datetime import timedelta

from django.utils.translation import gettext as _

from civicdesk.cases import actions, clock
from civicdesk.cases.errors import ActionError
from civicdesk.cases.events import describe
from civicdesk.cases.models import FINAL_STATES, Case, CaseEvent
from civicdesk.cases.permissions import ACTION_LABELS
from civicdesk.cases.privacy import mask_text

from .formats import Open311Error
from .requests import DEFAULT_LIMIT, DESCRIPTION_MAX, parse_moment, parse_positive, utc

# Events that are about the ledger's bookkeeping rather than the request's progress.
NOT_UPDATES = ("view_contact", "sla_approaching", "sla_overdue", "contact_overdue")


def update_document(event):
    text = describe(event)
    label = str(ACTION_LABELS.get(event.action, event.action))
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.number,
        "status": "closed" if event.to_state in FINAL_STATES else "open",
        "updated_datetime": utc(event.created_at),
        "description": mask_text(f"{label}{_('：')}{text}" if text else label),
        "media_url": None,
    }


def search(params):
    events = CaseEvent.objects.filter(is_public=True).exclude(action__in=NOT_UPDATES)
    ids = [v.strip() for v in params.get("service_request_id", "").split(",") if v.strip()]
    if ids:
        events = events.filter(case__number__in=ids[:DEFAULT_LIMIT])
    after = params.get("updated_after") or params.get("start_date")
    before = params.get("updated_before") or params.get("end_date")
    if after:
        events = events.filter(created_at__gt=parse_moment("updated_after", after))
    elif not ids:
        events = events.filter(created_at__gt=clock.now() - timedelta(days=90))
    if before:
        events = events.filter(created_at__lt=parse_moment("updated_before", before, end_of_day=True))
    page = parse_positive(params, "page", 1)
    size = parse_positive(params, "page_size", DEFAULT_LIMIT, maximum=DEFAULT_LIMIT)
    events = events.select_related("case").order_by("created_at", "pk")
    return events[(page - 1) * size : page * size]


def post_update(api_key, post):
    number = post.get("service_request_id", "").strip()
    description = post.get("description", "").strip()
    problems = []
    if not number:
        problems.append(_("service_request_id 必填"))
    if not description:
        problems.append(_("description 必填"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("description 最多%(n)d字") % {"n": DESCRIPTION_MAX})
    if problems:
        raise Open311Error(400, *problems)
    case = Case.objects.filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("没有这个诉求：%(id)s") % {"id": number[:50]})
    media_url = post.get("media_url", "").strip()
    if media_url:
        description = f"{description}\n{media_url[:1000]}"
    try:
        case = actions.supplement(case.pk, api_key.user, text=description)
    except ActionError as exc:
        status = 403 if exc.code == "forbidden" else 400
        raise Open311Error(status, exc.message) from None
    return {"update_id": str(case.last_event.pk), "service_request_id": case.number}
