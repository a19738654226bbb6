"""Helpers for the GeoReport tests: a key, and responses read back the same way in JSON and XML."""

import json
from xml.etree import ElementTree

import pytest

from civicdesk.open311.formats import ITEM_NAMES
from civicdesk.open311.models import ApiKey

BASE = "/open311/v2/"
FORMATS = ["json", "xml"]


@pytest.fixture
def api_key(city):
    """(ApiKey, the raw key) acting as the hotline's operator account."""
    return ApiKey.issue("市民服务App", city.operator)


def _element(element):
    children = list(element)
    if element.tag in ITEM_NAMES:
        return [_element(child) for child in children]
    if children:
        return {child.tag: _element(child) for child in children}
    return element.text or ""


def _as_text(value):
    """JSON values as XML carries them: every leaf a string, null as empty, booleans as true/false."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read(response, fmt):
    """The document of a response, leaves as strings, so one assertion serves both formats."""
    if fmt == "xml":
        assert response["Content-Type"].startswith("text/xml")
        root = ElementTree.fromstring(response.content)
        if root.tag in ITEM_NAMES:
            return [_element(child) for child in root]
        return {child.tag: _element(child) for child in root}
    assert response["Content-Type"].startswith("application/json")
    return _as_text(json.loads(response.content))


def errors_of(response, fmt):
    document = read(response, fmt)
    assert isinstance(document, list) and document, document
    for error in document:
        assert set(error) == {"code", "description"} and error["code"] == str(response.status_code)
    return [error["description"] for error in document]
