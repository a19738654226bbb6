"""`GET /metrics`: Prometheus text format for whoever watches the service.

Requests (all processes of this host), the task queue's depth, open and overdue cases, notifications
waiting or failed. Open to loopback addresses, or to anyone presenting CIVICDESK_METRICS_TOKEN as a bearer
token; others get 403. Metrics carry no personal data."""

import hmac

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, HttpResponseForbidden

from . import requests as request_counts

LOOPBACK = ("127.0.0.1", "::1")


def _allowed(request):
    token = settings.CIVICDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    return request.META.get("REMOTE_ADDR") in LOOPBACK


def queue_depth():
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq"):
        import django_rq

        return django_rq.get_queue("default").count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def _samples():
    from civicdesk.cases.models import OPEN_STATES, Case, SlaStatus
    from civicdesk.notify.models import DeliveryState, Notification

    yield "# HELP civicdesk_http_requests_total Requests answered, by method and status class."
    yield "# TYPE civicdesk_http_requests_total counter"
    totals = sorted(request_counts.totals().items())
    for (method, status), (count, _) in totals:
        yield f'civicdesk_http_requests_total{{method="{method}",status="{status}"}} {count}'
    duration = "civicdesk_http_request_duration_seconds_sum"
    yield f"# HELP {duration} Time spent answering, by method and status class."
    yield f"# TYPE {duration} counter"
    for (method, status), (_, seconds) in totals:
        yield f'{duration}{{method="{method}",status="{status}"}} {seconds:.6f}'
    yield "# HELP civicdesk_task_queue_depth Background tasks waiting for a worker."
    yield "# TYPE civicdesk_task_queue_depth gauge"
    yield f"civicdesk_task_queue_depth {queue_depth()}"
    by_state = dict(
        Case.objects.filter(state__in=OPEN_STATES).values_list("state").annotate(n=Count("pk")).order_by()
    )
    yield "# HELP civicdesk_cases_open Cases waiting for a unit, by state."
    yield "# TYPE civicdesk_cases_open gauge"
    for state in OPEN_STATES:
        yield f'civicdesk_cases_open{{state="{state}"}} {by_state.get(state, 0)}'
    overdue = Case.objects.filter(state__in=OPEN_STATES, sla_status=SlaStatus.OVERDUE).count()
    yield "# HELP civicdesk_cases_overdue Open cases past their deadline."
    yield "# TYPE civicdesk_cases_overdue gauge"
    yield f"civicdesk_cases_overdue {overdue}"
    waiting = dict(
        Notification.objects.filter(state__in=[DeliveryState.PENDING, DeliveryState.FAILED])
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    yield "# HELP civicdesk_notifications Notifications not delivered, by state."
    yield "# TYPE civicdesk_notifications gauge"
    for state in (DeliveryState.PENDING, DeliveryState.FAILED):
        yield f'civicdesk_notifications{{state="{state}"}} {waiting.get(state, 0)}'


def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("metrics are served to loopback or with CIVICDESK_METRICS_TOKEN\n")
    body = "\n".join(_samples()) + "\n"
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
