"""The dashboard's figures (数据看板): totals, the trend by category, areas (with map positions) and the
units' SLA status, for a period filtered by area, unit and first-level category.

Four GROUP BY queries over the rollup (rollups.py), whatever the size of the ledger: bench/insight_scale.py
times them at 1 and 10 million cases. An area's map position is the mean of its located cases'
coordinates, kept in the rollup as sums."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category
from civicdesk.org.models import Unit

from . import rollups
from .models import CaseRollup, Grain

RATES = ("assigned", "response_due", "responded", "rated", "resolved", "partly", "satisfied")
STATUS = ("received", "open", "approaching", "overdue")
DAILY_UP_TO = 62  # periods up to this many days are drawn day by day, longer ones month by month
TOP_CATEGORIES = 8
TOP_AREAS = 15
TOP_UNITS = 15


@dataclass
class Filters:
    start: date
    end: date  # exclusive
    unit: Unit | None = None  # this unit and every unit under it
    area: Unit | None = None  # cases located in this area or under it
    category: Category | None = None  # a first-level category


def rows(filters, group=None, days_only=False):
    """The rollup rows of the period and filters, at the smallest level that has the grouping dimension
    and the filtered ones (a queryset to group): whole months from month rows and the days at either end
    from day rows, or only day rows for a day-by-day series."""
    if days_only:
        period = Q(grain=Grain.DAY, bucket__gte=filters.start, bucket__lt=filters.end)
    else:
        period = rollups.period_filter(filters.start, filters.end)
    dimensions = {group} if group else set()
    dimensions |= {name for name in ("unit", "area", "category") if getattr(filters, name) is not None}
    queryset = CaseRollup.objects.filter(period, **rollups.LEVELS[rollups.level_for(dimensions)])
    # The subtree's ids as a list, not a subquery: PostgreSQL then reads only their rows through the
    # rollup_level_unit/area index (14 ms for a district's year at a million cases), where with a
    # subquery it scanned every row of the period and joined (73-128 ms). A subtree holds at most the
    # city's units.
    if filters.unit is not None:
        queryset = queryset.filter(unit_id__in=list(filters.unit.subtree().values_list("id", flat=True)))
    if filters.area is not None:
        # Only the subtree's rollup areas: the rollup counts a community's cases in its street
        # (rollups.street_of). Listing the communities too, ids no row holds, made PostgreSQL's planner
        # expect most of the table and scan all of it: 1.4 s for a district's year at ten million cases.
        subtree = filters.area.subtree().values_list("id", flat=True)
        queryset = queryset.filter(area_id__in=[pk for pk in subtree if rollups.street_of(pk) == pk])
    if filters.category is not None:
        queryset = queryset.filter(category_id=filters.category.pk)
    return queryset


def _sum(queryset, by, counters):
    """Counters summed per `by` group (a list of dicts), or over everything (one dict) when `by` is empty."""
    sums = {c: Sum(c) for c in counters}
    if not by:
        return {k: v or 0 for k, v in queryset.aggregate(**sums).items()}
    return [
        {k: (v or 0) for k, v in row.items()} for row in queryset.values(*by).annotate(**sums).order_by(*by)
    ]


def totals(filters):
    figures = _sum(rows(filters), (), (*STATUS, *RATES))
    figures["response_rate"] = _rate(figures["responded"], figures["response_due"])
    figures["resolution_rate"] = _rate(figures["resolved"] + 0.5 * figures["partly"], figures["rated"])
    figures["satisfaction_rate"] = _rate(figures["satisfied"], figures["rated"])
    return figures


def _rate(part, whole):
    return part / whole if whole else None


def trend(filters):
    """{"labels": [...], "series": [{"name", "data"}]}: received per day or month, per top category."""
    daily = (filters.end - filters.start).days <= DAILY_UP_TO
    queryset = rows(filters, group="category", days_only=daily)
    counts = {}
    for row in _sum(queryset, ("bucket", "category_id"), ("received",)):
        label = row["bucket"].isoformat() if daily else row["bucket"].strftime("%Y-%m")
        counts.setdefault(row["category_id"], {}).setdefault(label, 0)
        counts[row["category_id"]][label] += row["received"]
    labels = _labels(filters, daily)
    ranked = sorted(counts, key=lambda c: -sum(counts[c].values()))
    top, rest = ranked[:TOP_CATEGORIES], ranked[TOP_CATEGORIES:]
    names = _category_names(top)
    series = [{"name": names.get(c, "—"), "data": [counts[c].get(label, 0) for label in labels]} for c in top]
    if rest:
        series.append(
            {
                "name": _("其他"),
                "data": [sum(counts[c].get(label, 0) for c in rest) for label in labels],
                "other": True,
            }
        )
    return {"labels": labels, "series": series, "daily": daily}


def _labels(filters, daily):
    labels, day = [], filters.start
    if daily:
        while day < filters.end:
            labels.append(day.isoformat())
            day += timedelta(days=1)
        return labels
    month = filters.start.replace(day=1)
    while month < filters.end:
        labels.append(month.strftime("%Y-%m"))
        month = rollups.add_months(month, 1)
    return labels


def _category_names(ids):
    return dict(Category.objects.filter(pk__in=ids).values_list("id", "name"))


def areas(filters):
    """Areas by cases received, each with its open and overdue cases and, if any case there is located,
    its map position."""
    found = _sum(
        rows(filters, group="area"),
        ("area_id",),
        ("received", "open", "overdue", "located", "latitude_sum", "longitude_sum"),
    )
    found = [r for r in found if r["area_id"] and r["received"]]
    names = dict(Unit.objects.filter(pk__in=[r["area_id"] for r in found]).values_list("id", "name"))
    result = []
    for row in sorted(found, key=lambda r: -r["received"]):
        located = row["located"] or 0
        result.append(
            {
                "id": row["area_id"],
                "name": names.get(row["area_id"], "—"),
                "received": row["received"],
                "open": row["open"] or 0,
                "overdue": row["overdue"] or 0,
                "lat": round(row["latitude_sum"] / located, 5) if located else None,
                "lon": round(row["longitude_sum"] / located, 5) if located else None,
            }
        )
    return result


def units(filters):
    """Units by open cases: on time, approaching the deadline, overdue (SLA status)."""
    found = _sum(rows(filters, group="unit"), ("unit_id",), STATUS)
    found = [r for r in found if r["received"] or r["open"]]
    names = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in found]).values_list("id", "name"))
    names[0] = _("待派单")  # not dispatched yet: the hotline centre's own queue
    result = [
        {
            "id": r["unit_id"],
            "name": names.get(r["unit_id"], "—"),
            "received": r["received"] or 0,
            "on_time": (r["open"] or 0) - (r["approaching"] or 0) - (r["overdue"] or 0),
            "approaching": r["approaching"] or 0,
            "overdue": r["overdue"] or 0,
        }
        for r in found
    ]
    return sorted(result, key=lambda r: (-r["overdue"], -r["approaching"], -r["received"]))


def build(filters):
    """Everything the page draws (the four queries)."""
    return {
        "totals": totals(filters),
        "trend": trend(filters),
        "areas": areas(filters),
        "units": units(filters),
    }
