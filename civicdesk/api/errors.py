"""Every API error has the same shape: {"code", "detail", "errors": {field: [messages]}}."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from civicdesk.cases.errors import ActionError, ActionForbidden, CaseConflict, InvalidTransition

STATUS = {ActionForbidden: 403, CaseConflict: 409, InvalidTransition: 409}


def action_error_response(exc):
    code = next((c for kind, c in STATUS.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    errors = {field: [str(m) for m in messages] for field, messages in (exc.errors or {}).items()}
    return Response({"code": exc.code, "detail": str(exc.message), "errors": errors}, status=code)


def handle(exc, context):
    if isinstance(exc, ActionError):
        return action_error_response(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        code = getattr(data["detail"], "code", "error")
        response.data = {"code": code, "detail": str(data["detail"]), "errors": {}}
    else:
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        errors = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()}
        first = next(iter(errors.values()), [""])
        response.data = {"code": "invalid", "detail": first[0] if first else "", "errors": errors}
    return response
