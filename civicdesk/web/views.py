"""Public pages. The full role-specific web interface is issue #3; these are the entry points."""

from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render

from civicdesk.cases.models import Case, CaseState
from civicdesk.cases.visibility import find_for_citizen


def home(request):
    counts = dict(Case.objects.values_list("state").annotate(n=Count("id")))
    states = [(state.label, counts.get(state.value, 0)) for state in CaseState]
    return render(request, "web/home.html", {"states": states, "total": sum(counts.values())})


def track(request):
    """A citizen follows their case with its number and the phone they gave (contact data masked)."""
    case, searched = None, False
    number = (request.GET.get("number") or "").strip()[:30]
    phone = (request.GET.get("phone") or "").strip()[:30]
    if number or phone:
        searched = True
        case = find_for_citizen(number, phone)
    events = case.events.filter(is_public=True).order_by("created_at", "id") if case else []
    return render(
        request, "web/track.html", {"case": case, "events": events, "searched": searched, "number": number}
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
