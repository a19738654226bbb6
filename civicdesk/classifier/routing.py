"""Smart dispatch (分得准): what the classifier suggests for a new request, and whether it goes out by itself.

At intake every request is classified; the suggestion (top three categories, calibrated confidence, the words
behind each) is stored on the case as `classification`, where the dispatcher's queue shows it. The request is
dispatched automatically only when all of these hold, and the reason is stored when one does not:

- automatic dispatch is on (CIVICDESK_AUTO_DISPATCH_CONFIDENCE is a number) and the confidence reaches it;
- the suggested category exists in this city's catalogue;
- a category the citizen or operator chose does not contradict it (a chosen category under the suggested one
  is kept: it is more precise);
- the dispatch catalogue names a unit for that category in the request's area.

Everything else waits in the queue for a person."""

import logging

from django.conf import settings

from civicdesk.catalogue import reference
from civicdesk.catalogue.models import DispatchRule
from civicdesk.catalogue.taxonomy import within

from . import versions

log = logging.getLogger(__name__)

TOP = 3
REASONS = 5
SURE = 0.9  # what counts as sure while automatic dispatch is off

# decision codes → what the dispatcher is told (translated in the template)
WHY = ("off", "unsure", "unknown_category", "disagrees", "no_unit")


def _category(label):
    return reference.current().category(label)


def classify(title, description):
    """The stored form of the active classifier's suggestions for this text ({} without a classifier)."""
    loaded = versions.current()
    model = loaded.model
    if model is None:
        return {}
    suggestions = model.suggest(title or "", description or "", top=TOP, reasons=REASONS)
    top = []
    for s in suggestions:
        category = _category(s.label)
        top.append(
            {
                "label": s.label,
                "category": category.pk if category else None,
                "confidence": round(s.confidence, 4),
                "because": s.because,
            }
        )
    return {"model": loaded.name, "top": top}


def decide(classification, category=None, area=None):
    """(category, unit) to dispatch to automatically, or (None, None) with the reason in
    `classification["why"]` (one of WHY)."""
    if not classification.get("top"):
        return None, None
    best = classification["top"][0]
    threshold = settings.CIVICDESK_AUTO_DISPATCH_CONFIDENCE
    # "sure" drives the queue's tab of requests to look at first, automatic dispatch on or off
    classification["sure"] = best["confidence"] >= (threshold or SURE)
    chosen = None
    if threshold is None:
        why = "off"
    elif best["confidence"] < threshold:
        why = "unsure"
    elif best["category"] is None or (suggested := _category(best["category"])) is None:
        why = "unknown_category"
    elif category is not None and not within(category.full_name, suggested.full_name):
        why = "disagrees"
    else:
        chosen = category or suggested
        unit = DispatchRule.resolve(chosen, area)
        if unit is not None:
            classification["threshold"] = threshold
            return chosen, unit  # `auto` is recorded by the dispatch itself, if it happens
        why = "no_unit"
    classification["why"] = why
    if threshold is not None:
        classification["threshold"] = threshold
    return None, None


def dispatch_if_sure(case, category, unit):
    """Dispatches a just-received case as `decide` chose; on any refusal it stays in the queue."""
    from civicdesk.cases import actions

    try:
        return actions.auto_dispatch(case, unit, category=category)
    except actions.ActionError as exc:
        log.warning("automatic dispatch of %s refused, left for a dispatcher: %s", case.number, exc.message)
        return case
