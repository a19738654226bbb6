"""GeoReport v2 documents in JSON and XML, and its error document.

A document is built once as plain Python (dicts, lists, strings) and rendered in the format the URL asks for.
XML lists name their items after the list (`services` → `service`, `attributes` → `attribute`, ...)."""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "tokens": "token",
}
# Characters XML 1.0 cannot carry, even escaped; a citizen's text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A GeoReport error: an HTTP status and one or more descriptions."""

    def __init__(self, status, *descriptions):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def _xml_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent, name, value):
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for inner in value:
            _append(element, item, inner)
    else:
        element.text = _xml_text(value)


def to_xml(root, items):
    element = ElementTree.Element(root)
    if isinstance(items, dict):
        for key, value in items.items():
            _append(element, key, value)
    else:
        item = ITEM_NAMES.get(root, "item")
        for value in items:
            _append(element, item, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="utf-8")


def render(fmt, root, document, status=200):
    """`document` is a list (rendered as a JSON array / an XML list named `root`) or a dict."""
    if fmt == "xml":
        body = to_xml(root, document)
    else:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["json"]))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def render_error(fmt, error):
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return render(fmt if fmt in FORMATS else "json", "errors", errors, status=error.status)
