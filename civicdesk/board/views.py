"""The public board (公示): cases and their results for anyone to see, with personal data removed.

Citizens oversee the work here: what was asked, which unit handles it, how long it took, what was answered
and whether the person who asked was satisfied. Not shown: reports (举报, whose authors must stay safe),
cases merged, withdrawn or invalid, and cases withheld with a reason by the hotline (不予公示). No name,
phone, ID or house number appears: every text goes through redact.py, and people are never named (units
are)."""

from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.cases import clock
from civicdesk.cases.events import describe
from civicdesk.cases.models import Case, CaseState, Resolved, Satisfied
from civicdesk.catalogue.models import Category, Kind
from civicdesk.org.models import Unit
from civicdesk.ratelimit.web import limited
from civicdesk.web.views.common import paginate

from .redact import redact

HIDDEN_STATES = (CaseState.MERGED, CaseState.WITHDRAWN, CaseState.INVALID)
SHOWN_EVENTS = ("receive", "dispatch", "redispatch", "accept", "interim_reply", "reply", "rate", "reopen")
STATS_DAYS = 90


def public_cases():
    return (
        Case.objects.filter(publication_withheld=False)
        .exclude(kind=Kind.REPORT)
        .exclude(state__in=HIDDEN_STATES)
    )


def _names(case):
    return [case.citizen.name] if case.citizen_id and case.citizen.name else []


def entry(case):
    """What the board shows of a case: units and categories by name, every text redacted."""
    names = _names(case)
    return {
        "number": case.number,
        "received_at": case.received_at,
        "kind": case.get_kind_display(),
        "category": case.category.name if case.category_id else "",
        "area": case.area.name if case.area_id else "",
        "unit": case.responsible_unit.name if case.responsible_unit_id else "",
        "state": case.get_state_display(),
        "closed": case.state == CaseState.CLOSED,
        "title": redact(case.title, names),
        "description": redact(case.description, names),
        "reply": redact(case.reply, names),
        "resolved": Resolved(case.resolved).label if case.resolved else "",
        "satisfied": Satisfied(case.satisfied).label if case.satisfied else "",
    }


def _filtered(request):
    cases = public_cases().select_related("category", "area", "responsible_unit", "citizen")
    chosen = {}
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        chosen["unit"] = int(unit)
        cases = cases.filter(responsible_unit_id=int(unit))
    area = request.GET.get("area", "")
    if area.isdigit():
        node = Unit.objects.filter(pk=int(area)).first()
        chosen["area"] = int(area)
        cases = cases.filter(area__path__startswith=node.path) if node else cases.none()
    category = request.GET.get("category", "")
    if category.isdigit():
        chosen["category"] = int(category)
        cases = cases.filter(
            Q(category_id=int(category))
            | Q(category__parent_id=int(category))
            | Q(category__parent__parent_id=int(category))
        )
    status = request.GET.get("status", "")
    if status == "open":
        cases = cases.exclude(state=CaseState.CLOSED)
    elif status == "closed":
        cases = cases.filter(state=CaseState.CLOSED)
    chosen["status"] = status
    return cases.order_by("-received_at", "-pk"), chosen


@limited("board", methods=("GET",))
def board(request):
    cases, chosen = _filtered(request)
    page = paginate(request, cases)
    context = {
        "page": page,
        "entries": [entry(c) for c in page],
        "chosen": chosen,
        "units": Unit.objects.filter(is_active=True, staff__isnull=False).distinct().order_by("path"),
        "areas": Unit.objects.filter(kind__in=["district", "street"], is_active=True).order_by("path"),
        "categories": Category.objects.filter(level=1, is_active=True).order_by("pk"),
    }
    return render(request, "board/board.html", context)


@limited("board", methods=("GET",))
def board_case(request, number):
    case = get_object_or_404(
        public_cases().select_related("category", "area", "responsible_unit", "citizen"), number=number
    )
    names = _names(case)
    events = case.events.filter(is_public=True, action__in=SHOWN_EVENTS).select_related("actor_unit")
    timeline = [
        {
            "at": e.created_at,
            "action": e.label,
            "unit": e.actor_unit.name if e.actor_unit_id else "",
            "text": redact(describe(e), names),
        }
        for e in events.order_by("created_at", "pk")
    ]
    return render(request, "board/case.html", {"entry": entry(case), "timeline": timeline})


def _rates(rows):
    for row in rows:
        row["resolution"] = row["resolved"] / row["rated"] if row["rated"] else None
        row["satisfaction"] = row["satisfied_n"] / row["rated"] if row["rated"] else None
    return rows


def _figures(cases, group):
    return _rates(
        list(
            cases.values(group)
            .annotate(
                received=Count("pk"),
                closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
                rated=Count("pk", filter=Q(rated_at__isnull=False)),
                resolved=Count("pk", filter=Q(resolved__in=[Resolved.RESOLVED, Resolved.PARTLY])),
                satisfied_n=Count("pk", filter=Q(satisfied__in=[Satisfied.SATISFIED, Satisfied.BASICALLY])),
            )
            .order_by("-received")
        )
    )


@limited("board", methods=("GET",))
def stats(request):
    since = clock.now() - timedelta(days=STATS_DAYS)
    cases = public_cases().filter(received_at__gte=since)
    context = {
        "days": STATS_DAYS,
        "by_unit": [r for r in _figures(cases, "responsible_unit__name") if r["responsible_unit__name"]],
        "by_area": [r for r in _figures(cases, "area__name") if r["area__name"]],
    }
    return render(request, "board/stats.html", context)


class ResultsFeed(Feed):
    """The latest answers (Atom/RSS readers, other government portals)."""

    title = gettext_lazy("12345 诉求办理公示")
    description = gettext_lazy("最新答复的诉求，个人信息已隐去")

    def link(self):
        return reverse("board:board")

    def items(self):
        return (
            public_cases()
            .filter(state__in=[CaseState.REPLIED, CaseState.CLOSED])
            .select_related("category", "area", "responsible_unit", "citizen")
            .order_by("-replied_at", "-pk")[:50]
        )

    def item_title(self, case):
        return f"{case.number} {redact(case.title, _names(case))}"

    def item_description(self, case):
        shown = entry(case)
        return _("%(unit)s 答复：%(reply)s") % {"unit": shown["unit"], "reply": shown["reply"]}

    def item_link(self, case):
        return reverse("board:case", args=[case.number])

    def item_pubdate(self, case):
        return case.replied_at
