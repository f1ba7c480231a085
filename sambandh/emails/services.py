"""Writes for emails sent from a record: compose (log the activity, queue the sending) and retry.

The sending itself runs in the background (``sending.deliver``, through ``tasks.py``): a request
never waits for the mail server, and a failure is kept on the email for the user to see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.activities.services import activity_create
from sambandh.attachments import selectors as attachments
from sambandh.attachments.models import Attachment
from sambandh.attachments.services import attachment_add, attachment_copy
from sambandh.consents import selectors as consents
from sambandh.consents.models import Channel, Purpose
from sambandh.core import registry
from sambandh.core.audit import audit_record
from sambandh.core.cleaning import clean_email, clean_text
from sambandh.core.errors import Forbidden, NotFound, ServiceError
from sambandh.core.records import FieldErrors
from sambandh.emails.models import OutboundEmail
from sambandh.emails.schemas import MAX_ATTACHMENTS, EmailIn

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


class NotRetryable(ServiceError):
    status = 409
    code = "conflict"


class AttachmentsTooLarge(ServiceError):
    status = 413
    code = "too_large"


#: The default of EMAIL_ATTACHMENTS_MAX_BYTES: what mail servers commonly accept, once the
#: files are base64-encoded (a third larger), stays under 25-35 MB.
DEFAULT_ATTACHMENTS_MAX_BYTES = 20 * 1024 * 1024


def attachments_max_bytes() -> int:
    """The most an email's files may come to together, in bytes."""
    return int(getattr(settings, "EMAIL_ATTACHMENTS_MAX_BYTES", DEFAULT_ATTACHMENTS_MAX_BYTES))


def attachments_too_large(total: int | None, field: str) -> AttachmentsTooLarge:
    limit = filesizeformat(attachments_max_bytes())
    if total is None:
        message = _("The attachments are too large: an email may carry at most %(max)s.") % {
            "max": limit
        }
    else:
        message = _(
            "The attachments come to %(size)s: an email may carry at most %(max)s in all."
        ) % {"size": filesizeformat(total), "max": limit}
    return AttachmentsTooLarge(message, fields={field: message})


def thread_subject(subject: str) -> str:
    """The subject as it names a thread: without "Re:"/"Fwd:" prefixes, lower-cased."""
    return _REPLY_PREFIX.sub("", subject).strip().lower()[:300]


def _from_address() -> str:
    return settings.DEFAULT_FROM_EMAIL


def _message_id() -> str:
    """A new Message-ID in the domain the mail is sent from."""
    domain = parseaddr(_from_address())[1].rpartition("@")[2] or str(DNS_NAME)
    return make_msgid(domain=domain)


def _addresses(values: list[str], field: str, errors: FieldErrors) -> list[str]:
    """Each address cleaned (errors named ``to.0``), duplicates dropped, order kept."""
    found: list[str] = []
    for i, raw in enumerate(values):
        address = errors.run(clean_email, raw, field=f"{field}.{i}")
        if address and address not in found:
            found.append(address)
    return found


def _record(actor: User, record_type: str, pk: int | None) -> object | None:
    """The record ``pk`` of ``record_type`` if the actor may see it; one they may not see is
    answered as one that does not exist (404)."""
    if pk is None:
        return None
    rt = registry.get(record_type)
    assert rt.visible is not None
    record = rt.visible(actor).filter(pk=pk).first()
    if record is None:
        raise NotFound(_("No such person.") if record_type == "person" else _("No such deal."))
    return record


def _previous_in_thread(activity: Activity, subject: str) -> OutboundEmail | None:
    """The latest email of the same thread: on the same deal, or to the same person when there
    is no deal, with the same subject once "Re:" is stripped."""
    emails = OutboundEmail.objects.filter(thread_subject=subject).exclude(activity=activity)
    if activity.deal_id:
        emails = emails.filter(activity__deal_id=activity.deal_id)
    else:
        emails = emails.filter(activity__person=activity.person, activity__deal__isnull=True)
    return emails.order_by("-id").first()


def _check_consent(person: Any, to: list[str], cc: list[str], errors: FieldErrors) -> None:
    """An email from a record is a one-to-one message, not marketing: it asks the consent
    ledger for ``Purpose.DIRECT`` by email, which is refused only when the person (or whoever
    has one of the addresses) withdrew all email contact. A marketing sender asks for its own
    purpose instead (docs/privacy.md)."""
    if person is not None:
        decision = consents.may_contact(person, Purpose.DIRECT, Channel.EMAIL)
        if not decision.allowed:
            errors.add("to", decision.reason)
            return
    for field, addresses in (("to", to), ("cc", cc)):
        for address, refusal in consents.refused_addresses(
            addresses, Purpose.DIRECT, Channel.EMAIL
        ).items():
            errors.add(
                field,
                _("%(address)s: %(reason)s") % {"address": address, "reason": refusal.reason},
            )


def _enqueue(email: OutboundEmail) -> None:
    """Put the sending on the queue once the transaction that made it commits (a task that ran
    earlier would not find the email). A lost enqueue is picked up by the sweep (jobs.py)."""
    from sambandh.emails.tasks import send_email

    email_id = email.pk
    transaction.on_commit(lambda: send_email.enqueue(email_id))


def _sources(actor: User, ids: list[int], errors: FieldErrors) -> list[Attachment]:
    """The attachments ``ids`` (each read through the attachments' selector: one on a record
    the actor may not see is one that does not exist), duplicates dropped."""
    found: list[Attachment] = []
    for i, pk in enumerate(ids):
        try:
            source = attachments.attachment_get(viewer=actor, attachment_id=pk)
        except NotFound:
            errors.add(f"attachment_ids.{i}", _("No such attachment."))
            continue
        if all(source.pk != other.pk for other in found):
            found.append(source)
    return found


def _attach(
    actor: User,
    activity: Activity,
    uploads: list[Any],
    sources: list[Attachment],
    stored: list[Attachment],
) -> None:
    """The files onto the email's activity, through the attachments' own rules (type read from
    the bytes, size); a refused one names its place (``attachments.1``, ``attachment_ids.0``)."""
    for field, items, add in (
        ("attachments", uploads, _upload_to),
        ("attachment_ids", sources, _copy_to),
    ):
        for i, item in enumerate(items):
            try:
                stored.append(add(actor, activity, item))
            except ServiceError as exc:
                if exc.status not in (413, 422):
                    raise
                message = exc.fields.get("file") or exc.message
                # (a refused type keeps the form's summary general: the file's own field says why)
                summary = message if exc.status == 413 else None
                raise type(exc)(summary, fields={f"{field}.{i}": message}) from exc


def _upload_to(actor: User, activity: Activity, upload: Any) -> Attachment:
    return attachment_add(actor=actor, record_type="activity", record_id=activity.pk, upload=upload)


def _copy_to(actor: User, activity: Activity, source: Attachment) -> Attachment:
    return attachment_copy(
        actor=actor, source=source, record_type="activity", record_id=activity.pk
    )


def email_send(*, actor: User, data: EmailIn, uploads: Sequence[Any] = ()) -> OutboundEmail:
    """Log an email to a person (on a deal) on their timelines and queue its sending, with
    ``uploads`` (uploaded files) and ``data.attachment_ids`` (files on records the actor may
    see, copied) attached to its activity. Every address and file is checked: one refused
    writes nothing, and stores no file."""
    stored: list[Attachment] = []
    try:
        return _email_send(actor=actor, data=data, uploads=list(uploads), stored=stored)
    except BaseException:
        # The rows went with the transaction; the stored files must go too.
        for attachment in stored:
            attachment.file.storage.delete(str(attachment.file.name))
        raise


@transaction.atomic
def _email_send(
    *, actor: User, data: EmailIn, uploads: list[Any], stored: list[Attachment]
) -> OutboundEmail:
    policy.ensure_can_write(actor)
    person = _record(actor, "person", data.person_id)
    deal = _record(actor, "deal", data.deal_id)
    errors = FieldErrors()
    if person is None and deal is None:
        errors.add("person_id", _("Choose the person the email is to."))
    to = _addresses(data.to, "to", errors)
    cc = [a for a in _addresses(data.cc, "cc", errors) if a not in to]
    if not data.to:
        errors.add("to", _("Add at least one recipient."))
    _check_consent(person, to, cc, errors)
    subject = errors.run(clean_text, data.subject, field="subject", max_length=300, required=True)
    sources = _sources(actor, list(data.attachment_ids), errors)
    if len(uploads) + len(sources) > MAX_ATTACHMENTS:
        errors.add(
            "attachments" if uploads else "attachment_ids",
            _("An email may carry at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
        )
    errors.raise_if_any()
    total = sum(int(u.size or 0) for u in uploads) + sum(a.size for a in sources)
    if total > attachments_max_bytes():
        raise attachments_too_large(total, "attachments" if uploads else "attachment_ids")
    # The activity's own rules (who may add one, to what) are the activities service's.
    activity = activity_create(
        actor=actor,
        data=ActivityIn(
            kind="email",
            direction="out",
            subject=subject,
            body=data.body,
            person_id=data.person_id,
            deal_id=data.deal_id,
        ),
    )
    email = OutboundEmail(
        activity=activity,
        to=to,
        cc=cc,
        from_address=_from_address(),
        reply_to=actor.email,
        message_id=_message_id(),
        thread_subject=thread_subject(activity.subject),
    )
    previous = _previous_in_thread(activity, email.thread_subject)
    if previous is not None:
        email.in_reply_to = previous.message_id
        email.references = " ".join(
            r for r in (*previous.references.split(), previous.message_id) if r
        )
    email.save()
    _attach(actor, activity, uploads, sources, stored)
    audit_record(
        actor=actor,
        action="update",
        record_type="activity",
        record_id=activity.pk,
        changes={
            # Lists written as [before, after] (core.audit.change_pairs).
            "to": [None, to],
            "cc": [None, cc],
            "message_id": [None, email.message_id],
            **({"attachments": [None, [a.filename for a in stored]]} if stored else {}),
        },
        event="email.queued",
    )
    _enqueue(email)
    return email


@transaction.atomic
def email_retry(*, actor: User, email: OutboundEmail) -> OutboundEmail:
    """Queue a failed email again (with the same Message-ID: it was never delivered)."""
    policy.ensure_can_write(actor)
    if not policy.can_change_activity(actor, email.activity):
        raise Forbidden(_("Only the author, their managers or an admin can retry this email."))
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != OutboundEmail.Status.FAILED:
        raise NotRetryable(_("Only an email that failed can be sent again."))
    email.status = OutboundEmail.Status.QUEUED
    email.queued_at = timezone.now()
    email.claimed_at = None
    email.save(update_fields=["status", "queued_at", "claimed_at"])
    audit_record(
        actor=actor,
        action="update",
        record_type="activity",
        record_id=email.activity_id,
        changes={"status": [OutboundEmail.Status.FAILED, email.status]},
        event="email.retried",
    )
    _enqueue(email)
    return email
