"""The dispatch catalogue read once for many cases: suggested units for a whole queue in three queries.

`DispatchRule.resolve` answers for one case; a dispatcher's queue of fifty cases would ask it fifty times.
`Router` loads the rules, categories and area units once and answers the same question from memory, with
the same precedence (deeper category first, then deeper area)."""

from civicdesk.org.models import Unit

from .models import Category, DispatchRule


class Router:
    def __init__(self):
        self.rules = {
            (rule.category_id, rule.area_id): rule.unit
            for rule in DispatchRule.objects.select_related("unit")
            if rule.unit.is_active
        }
        self.parent_of = dict(Category.objects.values_list("id", "parent_id"))
        self.area_paths = dict(Unit.objects.values_list("id", "path"))

    def _category_chain(self, category_id):
        chain = []
        while category_id is not None and category_id not in chain:
            chain.append(category_id)
            category_id = self.parent_of.get(category_id)
        return chain

    def _area_chain(self, area_id):
        path = self.area_paths.get(area_id, "")
        return [int(part) for part in reversed(path.strip("/").split("/")) if part]

    def suggest(self, category_id, area_id=None):
        """The unit the catalogue names for this category in this area, or None."""
        areas = self._area_chain(area_id) + [None]
        for cat in self._category_chain(category_id):
            for area in areas:
                unit = self.rules.get((cat, area))
                if unit is not None:
                    return unit
        return None
