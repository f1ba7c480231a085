"""/api/v1/emails: email a person from their record (or a deal's), read its status, retry it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from sambandh.accounts.selectors import acting_user as viewer
from sambandh.activities.api_activities import ERRORS, activity_out, utc
from sambandh.attachments.schemas import attachment_out
from sambandh.core.api import with_etag
from sambandh.emails import selectors, services
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import EmailActivityOut, EmailIn

router = Router(tags=["emails"])


def email_out(activity: Any, email: OutboundEmail) -> dict[str, Any]:
    return {
        **activity_out(activity),
        "email": {
            "to": list(email.to),
            "cc": list(email.cc),
            "from_address": email.from_address,
            "reply_to": email.reply_to,
            "status": email.status,
            "error": email.error,
            "attempts": email.attempts,
            "message_id": email.message_id,
            "in_reply_to": email.in_reply_to,
            "references": email.references,
            "sent_at": utc(email.sent_at),
            "attachments": [attachment_out(a) for a in getattr(email, "files", ())],
        },
    }


def _answer(request: HttpRequest, response: HttpResponse, activity_id: int) -> dict[str, Any]:
    activity, email = selectors.email_get(viewer=viewer(request), activity_id=activity_id)
    with_etag(response, activity.version)
    return email_out(activity, email)


@router.post("", response={201: EmailActivityOut, **ERRORS}, exclude_unset=True)
def send_email(request: HttpRequest, response: HttpResponse, payload: EmailIn) -> Any:
    """Log an email on the person's timeline (and their organization's and the deal's) and
    queue it for sending; its `email.status` moves from `queued` to `sent` or `failed`.
    `attachment_ids` sends files already attached to records you may see: each is copied onto
    the email's activity (422 naming `attachment_ids.N` for one you may not see; 413 when the
    files come to more than EMAIL_ATTACHMENTS_MAX_BYTES)."""
    email = services.email_send(actor=viewer(request), data=payload)
    return Status(201, _answer(request, response, email.activity_id))


@router.get("/{id:activity_id}", response={200: EmailActivityOut, **ERRORS}, exclude_unset=True)
def get_email(request: HttpRequest, response: HttpResponse, activity_id: int) -> Any:
    return _answer(request, response, activity_id)


@router.post(
    "/{id:activity_id}/retry", response={200: EmailActivityOut, **ERRORS}, exclude_unset=True
)
def retry_email(request: HttpRequest, response: HttpResponse, activity_id: int) -> Any:
    """Send a failed email again (409 unless its status is `failed`)."""
    email = selectors.email_for_retry(viewer=viewer(request), activity_id=activity_id)
    services.email_retry(actor=viewer(request), email=email)
    return _answer(request, response, activity_id)
