"""GeoReport v2 endpoints. Each answers in the format its URL ends with; every error is a GeoReport error
document with the matching HTTP status (403 bad key, 404 unknown resource, 400 otherwise)."""

import math
import uuid
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from civicdesk.cases.models import Case
from civicdesk.ratelimit import limits

from . import requests, updates
from .formats import FORMATS, Open311Error, render, render_error
from .models import ApiKey, Submission
from .services import active_services, definition_document, find_service, service_document, service_type


def endpoint(*methods):
    """Checks the format, the method and the jurisdiction, and turns Open311Error into its document."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            try:
                if fmt not in FORMATS:
                    raise Open311Error(400, _("格式只能是 json 或 xml"))
                if request.method not in methods:
                    raise Open311Error(405, _("不支持 %(m)s 方法") % {"m": request.method[:10]})
                jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id", "")
                if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                    raise Open311Error(404, _("没有这个辖区：%(j)s") % {"j": jurisdiction[:50]})
                if request.method == "GET":
                    limits.hit("open311_get", limits.client_of(request))
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return render_error(fmt, error)
            except limits.RateLimited as error:
                response = render_error(fmt, Open311Error(429, str(error)))
                response["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
                return response

        return wrapper

    return decorate


def api_key_of(request):
    """The request's API key; each POST counts against that key's rate limit."""
    key = ApiKey.authenticate(request.POST.get("api_key") or request.GET.get("api_key", ""))
    if key is None:
        raise Open311Error(403, _("api_key 缺失或无效"))
    limits.hit("open311_post", f"key{key.pk}")
    return key


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:root"))
    document = {
        "changeset": settings.OPEN311_CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rstrip("/"),
                "changeset": settings.OPEN311_CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", document)


@endpoint("GET")
def services(request, fmt):
    return render(fmt, "services", [service_document(c) for c in active_services()])


@endpoint("GET")
def service_definition(request, fmt, code):
    category = find_service(code)
    if category is None:
        raise Open311Error(404, _("没有这个服务：%(code)s") % {"code": code[:50]})
    return render(fmt, "service_definition", definition_document(category))


@endpoint("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    extensions = request.GET.get("extensions", "").lower() == "true"
    found = requests.search(request.GET)
    return render(fmt, "service_requests", [requests.request_document(c, extensions) for c in found])


def _create(request, fmt):
    key = api_key_of(request)
    client_request_id = request.headers.get("Idempotency-Key") or request.POST.get("client_request_id", "")
    submission, created = requests.create(key, request.POST, client_request_id)
    return render(fmt, "service_requests", [_acknowledgement(submission)], status=201 if created else 200)


def _acknowledgement(submission):
    if submission.case_id is None:
        return {"token": str(submission.token)}
    return {
        "service_request_id": submission.case.number,
        "service_notice": requests.service_notice(submission.case),
        "account_id": submission.account_id or None,
    }


@endpoint("GET")
def service_request(request, fmt, number):
    extensions = request.GET.get("extensions", "").lower() == "true"
    case = requests.with_related(Case.objects.filter(number=number)).first()
    if case is None:
        raise Open311Error(404, _("没有这个诉求：%(id)s") % {"id": number[:50]})
    return render(fmt, "service_requests", [requests.request_document(case, extensions)])


@endpoint("GET")
def token(request, fmt, token):
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    submission = Submission.objects.select_related("case").filter(token=value).first() if value else None
    if submission is None:
        raise Open311Error(404, _("没有这个 token：%(t)s") % {"t": token[:50]})
    if submission.errors:
        raise Open311Error(400, *submission.errors)
    document = {"token": str(submission.token)}
    document["service_request_id"] = submission.case.number if submission.case_id else None
    return render(fmt, "service_requests", [document])


@endpoint("GET", "POST")
def service_request_updates(request, fmt):
    if request.method == "POST":
        document = updates.post_update(api_key_of(request), request.POST)
        return render(fmt, "service_request_updates", [document], status=201)
    found = updates.search(request.GET)
    return render(fmt, "service_request_updates", [updates.update_document(e) for e in found])


@csrf_exempt
def not_found(request):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render_error(fmt, Open311Error(404, _("没有这个资源：%(path)s") % {"path": request.path[:100]}))


def root(request):
    """The base URL endpoints are relative to; it names the discovery document."""
    return render(
        "json", "root", {"discovery": request.build_absolute_uri("discovery.json"), "type": service_type()}
    )
