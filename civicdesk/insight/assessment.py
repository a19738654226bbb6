"""Assessment (考核) of units by response, resolution and satisfaction, as docs/assessment.md defines them.

Every figure is over the cases *received* in the period and dispatched to the unit or any unit under it
(a district's figures include its streets and communities), leaving out merged, withdrawn and invalid cases:

- response rate 响应率 = contacted in time / cases whose first-contact deadline has passed or that were
  contacted (a case still inside its contact deadline and not yet contacted is not counted either way);
- resolution rate 解决率 = (resolved + ½ partly resolved) / rated cases (citizen's verdict at the callback);
- satisfaction rate 满意率 = (satisfied + basically satisfied) / rated cases;
- overall score 综合得分 = weighted sum of the three rates × 100 (weights: AssessmentWeights; no score while
  one of the three has no case to be measured on);
- on-time rate 按期答复率 = replied by the deadline / replied;
- return rate 退单率 = cases the unit asked to return / cases dispatched to it (events, so a case returned
  and sent elsewhere still counts against the unit that returned it);
- reopen rate 重办率 = cases reopened at least once / cases;
- handling time 办理时长 = reply time − dispatch time, in hours: mean and 90th percentile (nearest rank);
- report-in punctuality 吹哨报到及时率 = summonses reported in by the deadline / summonses due (reported, or
  past the deadline), over the summonses the unit received in the period; not part of the overall score.

The counters come from the rollup tables (rollups.py), never from a scan of the ledger, so a year of a city
of millions of cases ranks in milliseconds; they trail the ledger by at most one fold interval (a few
seconds). Handling time's 90th percentile is read off a histogram: the smallest bucket edge (1, 2, 4, 8, 12,
24, 36, 48, 72 … hours) within which 90 % of the cases were handled. Summonses are few and read directly."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.cases.models import NOT_ASSESSED, Case, Summons

from . import rollups
from .models import HOUR_BUCKETS, AssessmentWeights

DISPATCH_ACTIONS = rollups.DISPATCH_ACTIONS
PERIOD_KINDS = ("month", "quarter", "year", "custom")
CUSTOM_MAX_DAYS = 3 * 366


class PeriodError(ValueError):
    """A period that cannot be assessed, with a message for the user."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    @property
    def label(self):
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度") % {"y": self.start.year, "q": (self.start.month - 1) // 3 + 1}
        if self.kind == "year":
            return _("%(y)d年") % {"y": self.start.year}
        return f"{self.start:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"

    def bounds(self):
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    def previous(self):
        if self.kind == "custom":
            return Period("custom", self.start - (self.end - self.start), self.start)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, rollups.add_months(self.start, -months), self.start)


def month(year, number):
    return Period("month", date(year, number, 1), rollups.add_months(date(year, number, 1), 1))


def quarter(year, number):
    start = date(year, 3 * (number - 1) + 1, 1)
    return Period("quarter", start, rollups.add_months(start, 3))


def year(number):
    return Period("year", date(number, 1, 1), date(number + 1, 1, 1))


def parse_period(params, today):
    """The period a query string asks for (default: this month); PeriodError naming what is wrong."""
    kind = params.get("period") or "month"
    if kind not in PERIOD_KINDS:
        raise PeriodError(_("统计周期无效：%(v)s") % {"v": kind[:20]})
    try:
        if kind == "custom":
            start = date.fromisoformat(params.get("start") or "")
            last = date.fromisoformat(params.get("end") or "")
            if last < start:
                raise PeriodError(_("结束日期不能早于开始日期"))
            if (last - start).days > CUSTOM_MAX_DAYS:
                raise PeriodError(_("自定义周期最长 3 年"))
            return Period("custom", start, last + timedelta(days=1))
        number = int(params.get("year") or today.year)
        if not 2000 <= number <= 2100:
            raise PeriodError(_("年份须在 2000 到 2100 之间"))
        if kind == "year":
            return year(number)
        if kind == "quarter":
            q = int(params.get("quarter") or (today.month - 1) // 3 + 1)
            if not 1 <= q <= 4:
                raise PeriodError(_("季度须为 1 到 4"))
            return quarter(number, q)
        m = int(params.get("month") or today.month)
        if not 1 <= m <= 12:
            raise PeriodError(_("月份须为 1 到 12"))
        return month(number, m)
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(_("日期格式不正确，请用 年-月-日")) from None


@dataclass
class Figures:
    unit: object
    assigned: int = 0  # cases dispatched to the unit (or below it), received in the period
    response_due: int = 0
    responded: int = 0
    rated: int = 0
    resolved: int = 0
    partly: int = 0
    satisfied: int = 0  # satisfied or basically satisfied
    replied: int = 0
    on_time: int = 0
    reopened: int = 0
    dispatched_to: int = 0  # distinct cases ever dispatched to the unit (events)
    returned: int = 0  # distinct cases the unit asked to return (events)
    summons_due: int = 0  # summonses received in the period, reported in or past their deadline
    summons_on_time: int = 0  # of those, reported in by the deadline
    handled: int = 0  # replied cases with a handling time
    hours_sum: float = 0.0
    histogram: list = field(default_factory=lambda: [0] * len(HOUR_BUCKETS))
    score: float | None = None
    rank: int | None = None
    previous_score: float | None = None
    previous_rank: int | None = None

    @staticmethod
    def _rate(part, whole):
        return part / whole if whole else None

    @property
    def response_rate(self):
        return self._rate(self.responded, self.response_due)

    @property
    def resolution_rate(self):
        return self._rate(self.resolved + 0.5 * self.partly, self.rated)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.rated)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.replied)

    @property
    def return_rate(self):
        return self._rate(self.returned, self.dispatched_to)

    @property
    def reopen_rate(self):
        return self._rate(self.reopened, self.assigned)

    @property
    def punctuality_rate(self):
        return self._rate(self.summons_on_time, self.summons_due)

    @property
    def mean_hours(self):
        return self.hours_sum / self.handled if self.handled else None

    @property
    def p90_hours(self):
        """Within how many hours 90 % of the cases were handled (a histogram bucket's edge)."""
        return rollups.percentile(self.histogram, 0.9)

    @property
    def score_change(self):
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def rank_change(self):
        """Places gained since the previous period (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    def compute_score(self, weights):
        rates = (self.response_rate, self.resolution_rate, self.satisfaction_rate)
        if any(r is None for r in rates):
            self.score = None
        else:
            shares = (weights.response, weights.resolution, weights.satisfaction)
            self.score = sum(r * w for r, w in zip(rates, shares, strict=True))
        return self.score


def scope(period):
    """The cases a period's figures are computed over (before the unit is chosen): what a drill-down lists."""
    start, end = period.bounds()
    return (
        Case.objects.filter(received_at__gte=start, received_at__lt=end, dispatched_at__isnull=False)
        .exclude(state__in=NOT_ASSESSED)
        .filter(responsible_unit__isnull=False)
    )


def _owners(units):
    """unit id → the chosen units whose subtree holds it (a unit chosen with its parent counts for both).

    A unit's path ("/1/4/17/") lists its ancestors, so this is one pass over the units, not units × chosen."""
    from civicdesk.org.models import Unit

    chosen = {unit.pk for unit in units}
    owners = {}
    for unit_id, path in Unit.objects.values_list("id", "path"):
        mine = [int(part) for part in path.strip("/").split("/") if part and int(part) in chosen]
        if mine:
            owners[unit_id] = mine
    return owners


SUMMED = (
    "assigned",
    "response_due",
    "responded",
    "rated",
    "resolved",
    "partly",
    "satisfied",
    "replied",
    "on_time",
    "reopened",
    "dispatched_to",
    "returned",
    "handled",
    "hours_sum",
)


def figures(units, period, weights=None):
    """Figures of each unit (and its subtree) for the period, ranked by overall score."""
    rows = {unit.pk: Figures(unit) for unit in units}
    owners = _owners(units)
    for sums in rollups.sums(period.start, period.end, by=("unit_id",), counters=(*SUMMED, *HOUR_BUCKETS)):
        for owner in owners.get(sums["unit_id"], ()):
            target = rows[owner]
            for name in SUMMED:
                setattr(target, name, getattr(target, name) + sums[name])
            for index, name in enumerate(HOUR_BUCKETS):
                target.histogram[index] += sums[name]
    _count_summonses(rows, owners, period)
    weights = weights or AssessmentWeights.current()
    for row in rows.values():
        row.compute_score(weights)
    return rank(list(rows.values()))


def _count_summonses(rows, owners, period):
    """吹哨报到: summonses the unit received in the period, and how many it answered by the deadline."""
    start, end = period.bounds()
    now = timezone.now()
    counts = (
        Summons.objects.filter(summoned_at__gte=start, summoned_at__lt=end)
        .values("unit_id")
        .annotate(
            due=Count("id", filter=Q(reported_at__isnull=False) | Q(report_in_due_at__lte=now)),
            on_time=Count("id", filter=Q(reported_at__isnull=False, late=False)),
        )
    )
    for row in counts:
        for owner in owners.get(row["unit_id"], ()):
            rows[owner].summons_due += row["due"]
            rows[owner].summons_on_time += row["on_time"]


def rank(rows):
    """Ranks by score (ties share a rank), units without a score last and unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, -r.assigned))
    previous = None
    for position, row in enumerate(scored, start=1):
        row.rank = previous.rank if previous and math.isclose(previous.score, row.score) else position
        previous = row
    return scored + sorted((r for r in rows if r.score is None), key=lambda r: -r.assigned)


def ranking(units, period, weights=None):
    """This period's figures with the previous period's score and rank beside each unit."""
    weights = weights or AssessmentWeights.current()
    now = figures(units, period, weights)
    before = {row.unit.pk: row for row in figures(units, period.previous(), weights)}
    for row in now:
        earlier = before.get(row.unit.pk)
        if earlier is not None:
            row.previous_score, row.previous_rank = earlier.score, earlier.rank
    return now
