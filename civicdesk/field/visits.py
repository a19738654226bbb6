"""Recording a visit: the visit and a case for every need heard, in one transaction."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from civicdesk.cases import intake
from civicdesk.cases.errors import ValidationFailed
from civicdesk.catalogue.models import Channel, Kind
from civicdesk.org.models import Role, Unit, UnitKind

from .models import Household, Visit, VisitNeed
from .needs import split_needs

NEEDS_MAX = 20


def areas_of(user):
    """The communities and villages a user may visit and see the register of: those under their unit."""
    areas = Unit.objects.filter(kind=UnitKind.COMMUNITY, is_active=True)
    if user.is_superuser or user.role == Role.ADMIN:
        return areas
    if user.role in (Role.HANDLER, Role.LEADER) and user.unit_id:
        return areas.filter(path__startswith=user.unit.path)
    return areas.none()


def visible_households(user):
    """Households of the areas the user's unit is responsible for (a community, its street, its district)."""
    return Household.objects.filter(area__in=areas_of(user))


def record_visit(
    visitor, *, area, visited_on, heard, needs_text="", household=None, name="", phone="", place=""
):
    """Stores the visit and turns each line of `needs_text` into a case of the channel `visit`; returns the
    visit. ValidationFailed names every problem (nothing is stored then)."""
    errors = {}
    if area is None or not areas_of(visitor).filter(pk=area.pk).exists():
        errors["area"] = [_("只能记录本单位负责区域的走访")]
    if household is not None and (area is None or household.area_id != area.pk):
        errors["household"] = [_("这户不在所选社区（村）")]
    if not (heard or "").strip():
        errors["heard"] = [_("请记录了解到的情况")]
    needs = split_needs(needs_text)
    if len(needs) > NEEDS_MAX:
        errors["needs"] = [_("一次最多记录%(n)d项诉求") % {"n": NEEDS_MAX}]
    if errors:
        raise ValidationFailed(errors)
    person_phone = (phone or "").strip() or (household.phone if household else "")
    person_name = (name or "").strip() or (household.head if household else "")
    with transaction.atomic():
        visit = Visit.objects.create(
            visitor=visitor,
            area=area,
            household=household,
            visited_on=visited_on,
            place=(place or "").strip()[:200],
            heard=heard.strip(),
        )
        for number, need in enumerate(needs, start=1):
            data = {
                "channel": Channel.VISIT,
                "kind": Kind.HELP,
                "description": need,
                "address": visit.place or (household.address if household else ""),
                "area": area.pk,
                "name": person_name,
                "phone": person_phone,
            }
            try:
                case = intake.submit(data, actor=visitor, require_phone=False)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {
                        "needs": [
                            _("第%(n)d项：%(m)s") % {"n": number, "m": m}
                            for ms in exc.errors.values()
                            for m in ms
                        ]
                    }
                ) from None
            VisitNeed.objects.create(visit=visit, case=case)
    return visit


def cases_of_area(area):
    """Every need raised in an area through visits or otherwise, for the area's ledger."""
    from civicdesk.cases.models import Case

    return Case.objects.filter(Q(area=area) | Q(visit_need__visit__area=area)).distinct()
