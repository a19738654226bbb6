"""Services (GeoReport `services` and `services/{code}`), built from the category catalogue.

A service is a category; its code is the category's id. Every service asks the same few questions
(attributes); `subcategory` lists the category's own children, so a client can be precise when it can."""

from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from civicdesk.catalogue import reference
from civicdesk.catalogue.models import Category, Kind

from .formats import Open311Error

STRING_MAX = 200
TEXT_MAX = 2000


@dataclass
class Attribute:
    code: str
    datatype: str
    description: str
    order: int
    required: bool = False
    variable: bool = True
    datatype_description: str = ""
    values: list = field(default_factory=list)  # [(key, name)]

    def document(self):
        return {
            "variable": self.variable,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": self.datatype_description,
            "order": self.order,
            "description": self.description,
            "values": [{"key": key, "name": name} for key, name in self.values],
        }


def service_type():
    return "batch" if settings.OPEN311_BATCH else "realtime"


def active_services():
    return Category.objects.filter(is_active=True).order_by("full_name")


def find_service(code):
    return reference.current().category(code) if str(code).isdigit() else None


def service_document(category):
    path = category.full_name.split("/")
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": category.description or category.full_name,
        "metadata": True,
        "type": service_type(),
        "keywords": ",".join(path),
        "group": path[0],
    }


def attributes_of(category):
    children = [(str(c.pk), c.name) for c in reference.current().children.get(category.pk, [])]
    children.sort(key=lambda pair: pair[1])
    attributes = [
        Attribute(
            "privacy",
            "text",
            _("联系电话只用于承办单位联系您和回访，对外公开时会隐藏。"),
            1,
            variable=False,
        ),
        Attribute("kind", "singlevaluelist", _("诉求类型"), 2, values=[(k, str(n)) for k, n in Kind.choices]),
    ]
    if children:
        attributes.append(Attribute("subcategory", "singlevaluelist", _("更具体的分类"), 3, values=children))
    attributes += [
        Attribute("title", "string", _("标题"), 4, datatype_description=_("最多200字")),
        Attribute("since", "datetime", _("问题从什么时候开始"), 5, datatype_description="ISO 8601"),
        Attribute("people_affected", "number", _("大约影响多少人"), 6),
        Attribute(
            "contact_time",
            "multivaluelist",
            _("方便联系的时间"),
            7,
            values=[("morning", _("上午")), ("afternoon", _("下午")), ("evening", _("晚上"))],
        ),
        Attribute("details", "text", _("其他说明"), 8, datatype_description=_("最多2000字")),
    ]
    return attributes


def definition_document(category):
    return {
        "service_code": str(category.pk),
        "attributes": [a.document() for a in attributes_of(category)],
    }


def clean_attributes(category, given):
    """Checks `given` ({code: str or [str]}) against the service's attributes; returns clean values.

    Raises Open311Error(400) naming every problem."""
    attributes = {a.code: a for a in attributes_of(category) if a.variable}
    problems, clean = [], {}
    for code in given:
        if code not in attributes:
            problems.append(_("attribute[%(code)s]：没有这个属性") % {"code": code})
    for code, attribute in attributes.items():
        value = given.get(code)
        values = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
        values = [v for v in values if v != ""]
        if not values:
            if attribute.required:
                problems.append(_("attribute[%(code)s]：必填") % {"code": code})
            continue
        if attribute.datatype != "multivaluelist" and len(values) > 1:
            problems.append(_("attribute[%(code)s]：只能有一个值") % {"code": code})
            continue
        problem, cleaned = _check(attribute, values)
        if problem:
            problems.append(f"attribute[{code}]{_('：')}{problem}")
        else:
            clean[code] = cleaned
    if problems:
        raise Open311Error(400, *problems)
    return clean


def _check(attribute, values):
    keys = {key for key, _name in attribute.values}
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        unknown = [v for v in values if v not in keys]
        if unknown:
            return _("不是可选的值：%(v)s") % {"v": ", ".join(unknown)[:100]}, None
        return None, values if attribute.datatype == "multivaluelist" else values[0]
    value = values[0]
    if attribute.datatype == "number":
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite() or abs(number) > 10**9:
            return _("须为数字"), None
        return None, str(number)
    if attribute.datatype == "datetime":
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            return _("须为 ISO 8601 日期时间"), None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return None, moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    limit = STRING_MAX if attribute.datatype == "string" else TEXT_MAX
    if len(value) > limit:
        return _("最多%(n)d字") % {"n": limit}, None
    return None, value
