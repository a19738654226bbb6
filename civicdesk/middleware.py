"""Request guards that apply to every part of the site."""

import json
import re

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


_BAD_IN_JSON = re.compile("[\x00\ud800-\udfff]")  # NUL, and halves of surrogate pairs no encoder accepts


def _json_has_bad_text(body):
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON: the API's parser answers that with its own 400
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_IN_JSON.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _any_nul(query):
    return any(NUL in text for key, values in query.lists() for text in (key, *values))


class RefuseUnstorableText:
    """Answers 400 to a request whose path, query or text body holds a NUL character (or, in JSON, half of a
    surrogate pair, which no database can store as text).

    No citizen types one, PostgreSQL cannot store or even compare one (SQLite can), and letting it reach a
    query would turn bad input into a server error. A multipart body is inspected (its text fields only: a
    photo holds NUL bytes) for the machine interfaces, Open311 and the API; the web forms show their own
    message next to the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request):
        if NUL in request.path or _any_nul(request.GET):
            return True
        content_type = request.content_type or ""
        machine = request.path.startswith(("/api/", "/open311/"))
        if content_type == "application/x-www-form-urlencoded" or (
            machine and content_type == "multipart/form-data"
        ):
            try:
                return _any_nul(request.POST)
            except Exception:  # a body Django cannot parse: the view's own request.POST answers 400
                return False
        if content_type.endswith("json"):
            return _json_has_bad_text(request.body)
        return False

    @staticmethod
    def _refuse(request):
        message = _("输入中含有不允许的字符（空字符或不完整的 Unicode 代理对）")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid", "detail": message, "errors": {}}, status=400)
        if request.path.startswith("/open311/"):
            from civicdesk.open311.formats import Open311Error, render_error

            return render_error(
                "xml" if request.path.endswith(".xml") else "json", Open311Error(400, message)
            )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
