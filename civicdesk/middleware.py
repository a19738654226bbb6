"""Request guards that apply to every part of the site."""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


def _any_nul(query):
    return any(NUL in text for key, values in query.lists() for text in (key, *values))


class RefuseNulCharacters:
    """Answers 400 to a request whose path, query or text body holds a NUL character.

    No citizen types one, PostgreSQL cannot store or even compare one (SQLite can), and letting it reach a
    query would turn bad input into a server error. File uploads (multipart) are not inspected: a photo holds
    NUL bytes, and its other fields are checked where they are read."""

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
        if content_type == "application/x-www-form-urlencoded":
            return _any_nul(request.POST)
        if content_type.endswith("json"):
            return b"\\u0000" in request.body or b"\x00" in request.body
        return False

    @staticmethod
    def _refuse(request):
        message = _("输入中含有不允许的空字符（NUL）")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "invalid", "detail": message, "errors": {}}, status=400)
        if request.path.startswith("/open311/"):
            from civicdesk.open311.formats import Open311Error, render_error

            return render_error(
                "xml" if request.path.endswith(".xml") else "json", Open311Error(400, message)
            )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
