"""Errors the actions layer raises. Their message is written for the person who tried the action."""

from django.utils.translation import gettext as _


class ActionError(Exception):
    code = "error"

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        # field name → list of messages, for forms and the API
        self.errors = errors or {}


class ActionForbidden(ActionError):
    code = "forbidden"


class InvalidTransition(ActionError):
    code = "invalid_state"


class ValidationFailed(ActionError):
    code = "invalid"

    def __init__(self, errors):
        message = _("；").join(str(msg) for messages in errors.values() for msg in messages)
        super().__init__(message, errors)


class CaseConflict(ActionError):
    """Someone else changed the case since the caller read it; nothing was written."""

    code = "conflict"
