"""Errors that services raise and every interface turns into a clear answer.

Each carries a machine-readable ``code``, a translated ``message`` and optional per-field messages.
The API renders them as ``{"error": {"code", "message", "fields"}}`` with the status below; the web
interface shows the message and the field errors on the form.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("The request could not be processed.")

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None):
        self.message = str(message or self.default_message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        super().__init__(self.message)


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"
    default_message = _("Some fields are not valid.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do that.")


class Conflict(ServiceError):
    status = 409
    code = "version_conflict"
    default_message = _(
        "This record was changed by someone else since you loaded it. Reload it and try again."
    )
