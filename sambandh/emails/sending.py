"""Sending a queued email through the default mailer (``MAILERS``, set from ``EMAIL_URL``).

The worker claims the email with one conditional UPDATE (queued -> sending), so two workers never
both send it; then sends it outside any transaction (the mail server may be slow) and records the
outcome: sent (with the time) or failed (with the server's answer), with an audit row either way.
An email whose worker died while sending stays "sending" until the sweep (jobs.py) marks it
failed: it may or may not have left, and the user decides whether to retry.
"""

from __future__ import annotations

from email.message import MIMEPart

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.attachments.models import Attachment
from sambandh.consents import selectors as consents
from sambandh.consents.models import Channel, Purpose
from sambandh.core.audit import audit_record
from sambandh.emails.models import OutboundEmail

#: The longest error text kept on an email (a server's answer can be long).
MAX_ERROR = 1000


def _message(email: OutboundEmail) -> EmailMessage:
    activity = email.activity
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    if activity.person_id:
        # One click from the message withdraws what it was sent for: one-to-one email.
        headers.update(consents.unsubscribe_headers(activity.person_id, Purpose.DIRECT))
    message = EmailMessage(
        subject=activity.subject,
        body=activity.body,
        from_email=email.from_address,
        to=list(email.to),
        cc=list(email.cc),
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    for attachment in _files(email):
        content = _read(attachment)
        if attachment.content_type.startswith("message/"):
            # An e-mail file (.eml) may not be base64-encoded: Django attaches it as a message.
            message.attach(attachment.filename, content, attachment.content_type)
        else:
            message.attach(_part(attachment, content))
    return message


def _part(attachment: Attachment, content: bytes) -> MIMEPart:
    """The file as a part of the message, its bytes base64-encoded exactly as stored (Django's
    own text handling would rewrite the line endings of a text or CSV file)."""
    maintype, _slash, subtype = attachment.content_type.partition("/")
    part = MIMEPart()
    part.set_content(
        content,
        maintype=maintype,
        subtype=subtype,
        disposition="attachment",
        filename=attachment.filename,
        params={"charset": "utf-8"} if maintype == "text" else None,
    )
    return part


def _files(email: OutboundEmail) -> list[Attachment]:
    """The files on the email's activity, in the order they were attached."""
    return list(
        Attachment.objects.filter(record_type="activity", record_id=email.activity_id).order_by(
            "created_at", "id"
        )
    )


class MissingFile(Exception):
    """A file of the email is no longer in storage: the email fails, saying which."""


def _read(attachment: Attachment) -> bytes:
    """The file's bytes, read through the storage it was stored with (the total is capped by
    EMAIL_ATTACHMENTS_MAX_BYTES when the email is composed)."""
    try:
        with attachment.file.storage.open(str(attachment.file.name), "rb") as handle:
            return bytes(handle.read())
    except OSError:
        raise MissingFile(f"{attachment.filename} is missing from storage") from None


def _error_text(exc: Exception) -> str:
    """What the server or the network said, as the user will read it on the timeline."""
    text = str(exc).strip()
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:MAX_ERROR]


def _refused(email: OutboundEmail) -> str:
    """Why the email may not go now (a withdrawal recorded since it was written), else "":
    the consent ledger is asked again at the moment of sending, as every sender must."""
    person_id = email.activity.person_id
    if person_id:
        decision = consents.may_contact(person_id, Purpose.DIRECT, Channel.EMAIL)
        if not decision.allowed:
            return (_("Not sent: %(reason)s") % {"reason": decision.reason})[:MAX_ERROR]
    refused = consents.refused_addresses([*email.to, *email.cc], Purpose.DIRECT, Channel.EMAIL)
    for address, decision in refused.items():
        reason = f"{address}: {decision.reason}"
        return (_("Not sent: %(reason)s") % {"reason": reason})[:MAX_ERROR]
    return ""


def deliver(email_id: int) -> str:
    """Send the email ``email_id`` if it is queued (else do nothing); answers what happened."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now
    )
    if not claimed:
        return "not queued"
    email = OutboundEmail.objects.select_related("activity", "activity__owner").get(pk=email_id)
    error = _refused(email)
    try:
        if not error:
            _message(email).send()
    except Exception as exc:  # noqa: BLE001 - any failure of the server or the network is the outcome
        error = _error_text(exc)
    status = OutboundEmail.Status.FAILED if error else OutboundEmail.Status.SENT
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.SENDING).update(
            status=status,
            error=error,
            attempts=F("attempts") + 1,
            sent_at=None if error else timezone.now(),
        )
        audit_record(
            actor=None,
            action="update",
            record_type="activity",
            record_id=email.activity_id,
            changes={
                "status": [OutboundEmail.Status.SENDING, status],
                **({"error": [email.error, error]} if error != email.error else {}),
            },
            event="email.failed" if error else "email.sent",
        )
    return status
