"""The assessment page (考核排名), ranking units by the three rates with each figure a link to its cases, the
dashboard (数据看板) and the hotspot page (热点) with its proactive tasks."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases import actions, clock, intake
from civicdesk.cases.errors import ActionError
from civicdesk.cases.models import Case, CaseState
from civicdesk.catalogue.models import Category, Channel, Kind
from civicdesk.org.models import AREA_KINDS, Role, Unit
from civicdesk.web.context import role_of
from civicdesk.web.views.common import roles_required, unit_choices

from . import assessment, hotspot_store
from .dashboard import Filters, build
from .export import ranking_workbook
from .models import AssessmentWeights, Topic


def assessed_units(user):
    """A leader: their unit and the units directly under it; everyone else: the city's first-level units."""
    if role_of(user) == Role.LEADER and user.unit:
        return [user.unit, *Unit.objects.filter(parent=user.unit, is_active=True).order_by("code")]
    return list(
        Unit.objects.filter(is_active=True, parent__parent__isnull=True)
        .exclude(kind__in=["city", "center"])
        .order_by("kind", "code")
    )


@roles_required(Role.LEADER, Role.SUPERVISOR)
def ranking(request):
    today = timezone.localdate()
    error = None
    try:
        period = assessment.parse_period(request.GET, today)
    except assessment.PeriodError as exc:
        error, period = str(exc), assessment.month(today.year, today.month)
    weights = AssessmentWeights.current()
    rows = assessment.ranking(assessed_units(request.user), period, weights)
    if request.GET.get("format") == "xlsx" and error is None:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="assessment-{period.start:%Y%m%d}.xlsx"'
        ranking_workbook(rows, period, weights).save(response)
        return response
    drill = f"received_after={period.start:%Y-%m-%d}&received_before={period.last_day:%Y-%m-%d}&assessed=true"
    return render(
        request,
        "insight/ranking.html",
        {
            "rows": rows,
            "period": period,
            "previous": period.previous(),
            "weights": weights,
            "error": error,
            "drill": drill,
            "params": request.GET,
            "years": range(today.year - 4, today.year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "title": _("考核排名"),
        },
        status=400 if error else 200,
    )


class FilterError(ValueError):
    """A dashboard filter that names nothing the user may see."""


def _choice(params, name, queryset, label):
    """The object a filter parameter names (None when empty); FilterError when it names nothing."""
    value = (params.get(name) or "").strip()
    if not value:
        return None
    found = queryset.filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise FilterError(_("%(label)s无效：%(v)s") % {"label": label, "v": value[:20]})
    return found


def dashboard_filters(request, today):
    """(Filters, error): the period, unit, area and category asked for; a leader is held to their unit."""
    params = request.GET
    error = None
    try:
        period = assessment.parse_period(params, today)
    except assessment.PeriodError as exc:
        error, period = str(exc), assessment.month(today.year, today.month)
    own = request.user.unit if role_of(request.user) == Role.LEADER else None
    units = Unit.objects.filter(path__startswith=own.path) if own else Unit.objects.all()
    found = {"unit": own, "area": None, "category": None}
    for name, queryset, label in (
        ("unit", units, _("承办单位")),
        ("area", Unit.objects.filter(kind__in=AREA_KINDS), _("区域")),
        ("category", Category.objects.filter(level=1), _("分类")),
    ):
        try:
            found[name] = _choice(params, name, queryset, label) or found[name]
        except FilterError as exc:
            error = error or str(exc)
    return Filters(period.start, period.end, **found), period, error


@roles_required(Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER)
def dashboard(request):
    """数据看板: trends by category and area, a map, SLA status by unit; every figure from the rollup."""
    today = timezone.localdate()
    filters, period, error = dashboard_filters(request, today)
    figures = build(filters)
    own = request.user.unit if role_of(request.user) == Role.LEADER else None
    unit_options = Unit.objects.filter(is_active=True).exclude(kind__in=["city", "center"])
    if own is not None:
        unit_options = unit_options.filter(path__startswith=own.path)
    return render(
        request,
        "insight/dashboard.html",
        {
            "figures": figures,
            "filters": filters,
            "period": period,
            "error": error,
            "params": request.GET,
            "years": range(today.year - 4, today.year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "unit_options": unit_options.order_by("path"),
            "area_options": Unit.objects.filter(kind__in=AREA_KINDS[1:3], is_active=True).order_by("path"),
            "category_options": Category.objects.filter(level=1, is_active=True).order_by("name"),
            "map": {
                "tiles": settings.CIVICDESK_MAP_TILES,
                "attribution": settings.CIVICDESK_MAP_ATTRIBUTION,
                "areas": [a for a in figures["areas"] if a["lat"] is not None],
            },
            "lag_seconds": int(settings.CIVICDESK_ROLLUP_SECONDS),
            "labels": {
                "received": _("受理量"),
                "on_time": _("正常"),
                "approaching": _("临期"),
                "overdue": _("超期"),
                "open": _("办理中"),
                "no_points": _("本期没有带坐标的工单。"),
            },
        },
        status=400 if error else 200,
    )


HOTSPOT_DAYS = (30, 90, 180)
HOTSPOT_TOP = 20


def _days(params):
    """The hotspot window asked for, one of HOTSPOT_DAYS (90 otherwise)."""
    value = params.get("days")
    return int(value) if value in {str(d) for d in HOTSPOT_DAYS} else 90


@roles_required(Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER)
def hotspot_list(request):
    """热点: the hottest problems among the cases of the last 30/90/180 days.

    The city's hotspots come from the newest daily run (hotspot_store.py) unless `fresh=1` asks to mine
    now; a leader's, limited to their unit's cases, are mined when asked."""
    days = _days(request.GET)
    now = clock.now()
    run = None
    if role_of(request.user) == Role.LEADER and request.user.unit:
        cases = Case.objects.filter(responsible_unit__path__startswith=request.user.unit.path)
        found, scanned = hotspot_store.mine(cases, days, now, HOTSPOT_TOP)
    else:
        run = None if request.GET.get("fresh") == "1" else hotspot_store.latest(days)
        if run is not None:
            found, scanned = list(run.hotspots.all()), run.scanned
        else:
            found, scanned = hotspot_store.mine(Case.objects.all(), days, now, HOTSPOT_TOP)

    may_act = role_of(request.user) in (Role.DISPATCHER, Role.ADMIN)
    return render(
        request,
        "insight/hotspots.html",
        {
            "hotspots": found,
            "days": days,
            "choices": HOTSPOT_DAYS,
            "scanned": scanned,
            "run": run,
            "units": unit_choices() if may_act else [],
            "may_act": may_act,
        },
    )


@roles_required(Role.DISPATCHER)
def hotspot_task(request):
    """From a hotspot: a proactive task (未诉先办) for one unit, or a topic of the month (每月一题) with
    one task per unit. Each task is a case of channel 'proactive', dispatched at once, that names the
    requests behind it, so it has a deadline, a workbench row and an assessment like any case."""
    back = redirect(f"{reverse('insight:hotspots')}?days={_days(request.POST)}")
    if request.method != "POST":
        return back
    units = [u for u in request.POST.getlist("units") if u]
    title = (request.POST.get("title") or "").strip()
    members = [n for n in (request.POST.get("members") or "").split(",") if n.strip()][:200]
    topic_wanted = request.POST.get("topic") == "1"
    if not units or not title:
        messages.error(request, _("请填写任务标题并至少选择一个承办单位"))
        return back
    prefix = _("每月一题") if topic_wanted else _("未诉先办")
    description = _("%(kind)s：%(title)s\n来源：热点问题，相关诉求 %(n)d 件：%(numbers)s\n%(note)s") % {
        "kind": prefix,
        "title": title,
        "n": len(members),
        "numbers": _("、").join(members),
        "note": (request.POST.get("note") or "").strip(),
    }
    try:
        with transaction.atomic():
            topic = None
            if topic_wanted:
                now = clock.now()
                topic = Topic.objects.create(
                    title=title[:200],
                    month=timezone.localtime(now).date().replace(day=1),
                    note=(request.POST.get("note") or "").strip(),
                    source_numbers=members,
                    created_by=request.user,
                    created_at=now,
                )
            for unit in units:
                case = intake.submit(
                    {
                        "channel": Channel.PROACTIVE,
                        "kind": Kind.SUGGESTION,
                        "title": f"{prefix}{_('：')}{title}"[:200],
                        "description": description,
                    },
                    actor=request.user,
                    require_phone=False,
                    route=False,
                )
                actions.dispatch(case, request.user, unit, note=prefix)
                if topic is not None:
                    topic.tasks.add(case)
    except ActionError as exc:
        messages.error(request, exc.message)
        return back
    messages.success(request, _("已创建并派发 %(n)d 项任务") % {"n": len(units)})
    if topic is not None:
        return redirect("insight:topic", pk=topic.pk)
    return back


@roles_required(Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER)
def topic_list(request):
    """每月一题: every topic with how far its units have got."""
    topics = list(Topic.objects.prefetch_related("tasks")[:200])
    for topic in topics:
        topic.progress = _progress(topic.tasks.all())
    return render(request, "insight/topics.html", {"topics": topics})


@roles_required(Role.LEADER, Role.SUPERVISOR, Role.DISPATCHER)
def topic_detail(request, pk):
    """One topic followed across its units: each unit's task, its state, deadline and answer, and the
    requests it came from."""
    topic = Topic.objects.filter(pk=pk).first()
    if topic is None:
        raise Http404(_("没有这个题目"))
    tasks = list(topic.tasks.select_related("responsible_unit").order_by("responsible_unit__name"))
    sources = list(
        Case.objects.filter(number__in=topic.source_numbers[:200]).select_related("responsible_unit")
    )
    return render(
        request,
        "insight/topic.html",
        {"topic": topic, "tasks": tasks, "progress": _progress(tasks), "sources": sources},
    )


def _progress(tasks):
    """{"units", "replied", "closed", "overdue"} of a topic's task cases."""
    tasks = list(tasks)
    return {
        "units": len(tasks),
        "replied": sum(t.replied_at is not None for t in tasks),
        "closed": sum(t.state == CaseState.CLOSED for t in tasks),
        "overdue": sum(t.is_open and t.sla_status == "overdue" for t in tasks),
    }
