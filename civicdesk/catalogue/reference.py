"""The catalogue as every request reads it (categories, SLA rules, working-day overrides), kept in memory.

Intake reads this reference data several times per request, and administrators change it a few times a year.
Each process keeps one snapshot and rereads it when it is older than CIVICDESK_REFERENCE_SECONDS, or at once
in the process where an administrator saved a change (signals in apps.py clear it). Model instances handed out
here are shared: read them, never save them."""

from dataclasses import dataclass, field

from civicdesk.refreshing import Refreshing


@dataclass
class Snapshot:
    categories: dict = field(default_factory=dict)  # id → Category (parent resolved from the snapshot)
    by_full_name: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)  # id → [active child Category]
    rules: dict = field(default_factory=dict)  # priority → [SlaRule]
    overrides: dict = field(default_factory=dict)  # date → is_workday

    def category(self, value):
        """An active category by id or full name, or None."""
        text = str(value)
        category = self.categories.get(int(text)) if text.isdigit() else None
        category = category or self.by_full_name.get(text)
        return category if category is not None and category.is_active else None


def _load():
    from .models import Category, SlaRule, WorkdayOverride

    snapshot = Snapshot()
    categories = list(Category.objects.all())
    snapshot.categories = {c.pk: c for c in categories}
    for category in categories:
        if category.parent_id is not None:
            # Walking up a lineage must not query: point each parent at the snapshot's own instance.
            category.parent = snapshot.categories.get(category.parent_id)
        snapshot.by_full_name[category.full_name] = category
        if category.is_active and category.parent_id is not None:
            snapshot.children.setdefault(category.parent_id, []).append(category)
    for rule in SlaRule.objects.order_by("pk"):
        snapshot.rules.setdefault(rule.priority, []).append(rule)
    snapshot.overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
    return snapshot


_cache = Refreshing(_load)


def current():
    return _cache.get()


def clear(**_ignored):
    _cache.clear()
