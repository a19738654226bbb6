"""Work queues: the dispatcher's queue, a unit's workbench, the leader's and supervisor's overview."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.cases import actions, clock
from civicdesk.cases.errors import ActionError
from civicdesk.cases.models import OPEN_STATES, Case, CaseState
from civicdesk.cases.visibility import visible_cases
from civicdesk.catalogue.routing import Router
from civicdesk.field import contacts
from civicdesk.org.models import Role, Unit

from ..context import role_of
from .common import case_list_queryset, paginate, roles_required, unit_choices

QUEUE_TABS = [
    ("new", gettext_lazy("待派单")),
    ("unsure", gettext_lazy("智能分类没把握")),
    ("returned", gettext_lazy("退单待审")),
    ("disputed", gettext_lazy("派单争议")),
    ("unclassified", gettext_lazy("未分类")),
    ("auto", gettext_lazy("已自动派单待签收")),
]


def _queue(tab):
    cases = Case.objects.all()
    if tab == "returned":
        return cases.filter(state=CaseState.RETURN_REQUESTED).order_by("updated_at")
    if tab == "disputed":
        return cases.filter(state=CaseState.DISPUTED).order_by("updated_at")
    if tab == "unclassified":
        return cases.filter(state=CaseState.RECEIVED, category__isnull=True).order_by("received_at")
    if tab == "unsure":  # the classifier had no suggestion or was not sure of it (classifier/routing.py)
        return (
            cases.filter(state=CaseState.RECEIVED)
            .filter(Q(classification__sure=False) | Q(classification__top__isnull=True))
            .order_by("received_at")
        )
    if tab == "auto":  # dispatched by the classifier, not yet accepted: a dispatcher can still redispatch
        return cases.filter(state=CaseState.DISPATCHED, classification__auto=True).order_by("dispatched_at")
    return cases.filter(state=CaseState.RECEIVED).order_by("received_at")


def _suggested_category(case):
    top = (case.classification or {}).get("top")
    return top[0]["category"] if top else None


@roles_required(Role.DISPATCHER)
def dispatcher_queue(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(QUEUE_TABS) else "new"
    counts = {key: _queue(key).count() for key, _label in QUEUE_TABS}
    page = paginate(request, case_list_queryset(_queue(tab)).select_related("area", "suggested_unit"))
    router = Router()
    suggest = {
        case.pk: router.suggest(case.category_id or _suggested_category(case), case.area_id)
        for case in page.object_list
    }
    return render(
        request,
        "web/queue.html",
        {
            "tabs": [(key, label, counts[key]) for key, label in QUEUE_TABS],
            "tab": tab,
            "page": page,
            "suggest": suggest,
            "units": unit_choices(),
        },
    )


@roles_required(Role.DISPATCHER)
@require_POST
def bulk_dispatch(request):
    """派单 for several cases at once: each to the chosen unit, or to the catalogue's unit if none is chosen.

    A case with no category takes the classifier's suggested one (ticking it confirms the suggestion shown).
    Each case is its own transaction; one refusal does not stop the others, and each is reported."""
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    if not ids:
        messages.error(request, _("请先勾选要派发的工单"))
        return redirect(request.POST.get("next") or "web:queue")
    unit = request.POST.get("unit") or None
    done, failed = 0, []
    for case in Case.objects.filter(pk__in=ids).order_by("received_at"):
        version = request.POST.get(f"v{case.pk}", "")
        try:
            actions.dispatch(
                case.pk,
                request.user,
                unit,
                category=None if case.category_id else _suggested_category(case),
                expected_version=int(version) if version.isdigit() else None,
            )
            done += 1
        except ActionError as exc:
            failed.append(_("%(number)s：%(message)s") % {"number": case.number, "message": exc.message})
    if done:
        messages.success(request, _("已派发 %(n)d 件") % {"n": done})
    for line in failed:
        messages.error(request, line)
    return redirect(request.POST.get("next") or "web:queue")


WORKBENCH_TABS = [
    ("todo", gettext_lazy("全部在办")),
    ("dispatched", gettext_lazy("待签收")),
    ("accepted", gettext_lazy("办理中")),
    ("replied", gettext_lazy("待回访")),
    ("requests", gettext_lazy("待我审批")),
    ("overdue", gettext_lazy("已超期")),
]


def _unit_cases(user):
    """A handler's own unit's cases; a leader's unit and everything under it."""
    if user.unit is None:
        return Case.objects.none()
    if role_of(user) == Role.LEADER:
        return Case.objects.filter(responsible_unit__path__startswith=user.unit.path)
    return Case.objects.filter(responsible_unit=user.unit)


def _workbench_filter(cases, tab, now):
    if tab == "dispatched":
        return cases.filter(state=CaseState.DISPATCHED)
    if tab == "accepted":
        return cases.filter(state=CaseState.ACCEPTED)
    if tab == "replied":
        return cases.filter(state=CaseState.REPLIED)
    if tab == "requests":
        return cases.filter(
            Q(state=CaseState.RETURN_REQUESTED)
            | Q(state=CaseState.ACCEPTED, extension_pending_days__isnull=False)
        )
    if tab == "overdue":
        return cases.filter(state__in=OPEN_STATES, due_at__lt=now)
    return cases.filter(state__in=list(OPEN_STATES) + [CaseState.REPLIED])


@roles_required(Role.HANDLER, Role.LEADER)
def workbench(request):
    """承办单位工作台: the unit's open cases, nearest deadline first; overdue red, approaching amber."""
    now = clock.now()
    cases = _unit_cases(request.user)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(WORKBENCH_TABS) else "todo"
    tabs = [(key, label, _workbench_filter(cases, key, now).count()) for key, label in WORKBENCH_TABS]
    selected = case_list_queryset(_workbench_filter(cases, tab, now)).order_by("due_at", "received_at")
    return render(
        request,
        "web/workbench.html",
        {
            "tabs": tabs,
            "tab": tab,
            "page": paginate(request, selected),
            "show_unit": role_of(request.user) == Role.LEADER,
            "visits_due": [d for d in contacts.mine(request.user, timezone.localdate()) if d.overdue],
        },
    )


def _unit_rows(units, now, period_start):
    """Per-unit counts in a fixed number of queries (one aggregate over all cases of all the units)."""
    paths = {unit.pk: unit.path for unit in units}
    rows = {unit.pk: defaultdict(int, unit=unit) for unit in units}
    month = Q(received_at__gte=period_start)
    aggregates = (
        Case.objects.filter(responsible_unit__isnull=False)
        .values("responsible_unit__path")
        .annotate(
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
            approaching=Count(
                "id", filter=Q(state__in=OPEN_STATES, sla_status="approaching", due_at__gte=now)
            ),
            awaiting_callback=Count("id", filter=Q(state=CaseState.REPLIED)),
            received=Count("id", filter=month),
            late=Count("id", filter=month & Q(replied_late=True)),
            reopened=Count("id", filter=month & Q(reopen_count__gt=0)),
            rated=Count("id", filter=month & ~Q(satisfied="")),
            unsatisfied=Count("id", filter=month & Q(satisfied="not")),
        )
    )
    for row in aggregates:
        path = row.pop("responsible_unit__path")
        for unit_id, unit_path in paths.items():
            if path.startswith(unit_path):
                for key, value in row.items():
                    rows[unit_id][key] += value
    return [rows[unit.pk] for unit in units]


@roles_required(Role.LEADER, Role.SUPERVISOR)
def overview(request):
    """Per-unit counts and the overdue list; a supervisor sees the city, a leader their unit and below."""
    now = clock.now()
    user = request.user
    if role_of(user) == Role.LEADER and user.unit:
        units = [user.unit] + list(Unit.objects.filter(parent=user.unit, is_active=True))
        scope = Case.objects.filter(responsible_unit__path__startswith=user.unit.path)
    else:
        units = list(
            Unit.objects.filter(is_active=True, parent__parent__isnull=True)
            .exclude(kind__in=["city", "center"])
            .order_by("kind", "code")
        )
        scope = visible_cases(user)
    period_start = now - timedelta(days=30)
    rows = _unit_rows(units, now, period_start)
    rows.sort(key=lambda r: (-r["overdue"], -r["open"]))
    overdue = case_list_queryset(scope.filter(state__in=OPEN_STATES, due_at__lt=now)).order_by("due_at")
    return render(
        request,
        "web/overview.html",
        {"rows": rows, "page": paginate(request, overdue), "now": now, "period_start": period_start},
    )


@require_POST
@roles_required(Role.LEADER, Role.SUPERVISOR)
def urge_unit(request):
    """催办 a unit: one urging, with one note, on each of its overdue cases the user may see.

    Each case is its own transaction and its own event, so the unit's assessment counts every one."""
    unit = Unit.objects.filter(
        pk=request.POST.get("unit") if request.POST.get("unit", "").isdigit() else None
    )
    unit = unit.first()
    note = request.POST.get("note", "").strip()
    if unit is None or not note:
        messages.error(request, _("请选择单位并填写催办意见"))
        return redirect("web:overview")
    overdue = visible_cases(request.user).filter(
        responsible_unit__path__startswith=unit.path, state__in=OPEN_STATES, due_at__lt=clock.now()
    )
    done, failed = 0, []
    for case in overdue.order_by("due_at"):
        try:
            actions.urge(case.pk, request.user, note=note)
            done += 1
        except ActionError as exc:
            failed.append(_("%(number)s：%(message)s") % {"number": case.number, "message": exc.message})
    if done:
        messages.success(request, _("已催办 %(unit)s 的 %(n)d 件超期工单") % {"unit": unit.name, "n": done})
    elif not failed:
        messages.info(request, _("%(unit)s 没有您可催办的超期工单") % {"unit": unit.name})
    for line in failed:
        messages.error(request, line)
    return redirect("web:overview")
