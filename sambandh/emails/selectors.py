"""Reads of emails sent from records, through the activities' visibility: an email is seen by
whoever sees its activity."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sambandh.accounts.models import User
from sambandh.activities import selectors as activities
from sambandh.attachments import selectors as attachments
from sambandh.core.errors import NotFound
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import MAX_ATTACHMENTS


def email_get(*, viewer: User, activity_id: int) -> tuple[Any, OutboundEmail]:
    """The logged email activity ``activity_id`` (as the activities selectors answer it, with
    what the viewer may see of its links) and its sending, if the viewer may see it."""
    activity = activities.activity_get(viewer=viewer, activity_id=activity_id, kind="email")
    email = OutboundEmail.objects.filter(activity_id=activity.pk).first()
    if email is None:
        raise NotFound(_("No such email."))
    email.activity = activity
    # The files it carries, in the order they were attached (as the message lists them).
    email.files = attachments.attachments_shown(  # type: ignore[attr-defined]
        viewer=viewer, record_type="activity", record=activity, limit=MAX_ATTACHMENTS
    )[::-1]
    return activity, email


def email_for_retry(*, viewer: User, activity_id: int) -> OutboundEmail:
    """The email to send again: one the viewer may see (the service checks they may change it)."""
    return email_get(viewer=viewer, activity_id=activity_id)[1]
