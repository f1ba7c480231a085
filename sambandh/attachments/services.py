"""Writes of attachments: add a file to a record, remove one, purge a record's files.

The file is written through Django's storage API (``STORAGES["default"]``: a folder by default,
any backend in production) under a random name; its row, audit row and event are written in one
transaction, and the stored file is removed again when that transaction fails. A removed
attachment's file goes only once its removal has committed.
"""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.attachments import sniff
from sambandh.attachments.models import Attachment, stored_name
from sambandh.attachments.selectors import can_attach, can_delete, record_get
from sambandh.core.audit import audit_record
from sambandh.core.errors import Forbidden, ServiceError, ValidationFailed

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_FILENAME = 200


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large(filename: str, size: int | None) -> TooLarge:
    limit = filesizeformat(max_bytes())
    if size is None:
        message = _("The file is too large: files may be at most %(max)s.") % {"max": limit}
    else:
        message = _("%(name)s is %(size)s: files may be at most %(max)s.") % {
            "name": filename,
            "size": filesizeformat(size),
            "max": limit,
        }
    return TooLarge(message, fields={"file": message})


def clean_filename(name: str | None) -> str:
    """The name the user gave the file, as it is kept and shown: without any folder, control
    characters or surrounding spaces, in NFC, at most MAX_FILENAME characters (keeping its
    extension)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        name = (stem if dot else name)[: MAX_FILENAME - len(ext) - 1].rstrip() + (
            f".{ext}" if ext else ""
        )
    return name


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _may_attach(actor: Any, record_type: str, record: Any) -> None:
    policy.ensure_can_write(actor)
    if not can_attach(actor, record_type, record):
        raise Forbidden(_("You cannot add files to this record."))


def attachment_add(*, actor: Any, record_type: str, record_id: int, upload: Any) -> Attachment:
    """Attach ``upload`` (an uploaded file: ``name``, ``size``, ``chunks()``) to the record.

    Refused, with nothing stored: a record the actor may not see (404), a file larger than
    ATTACHMENT_MAX_BYTES (413), an empty one, or one whose type is not allowed or whose bytes
    contradict its name (422)."""
    record = record_get(viewer=actor, record_type=record_type, record_id=record_id)
    _may_attach(actor, record_type, record)
    if upload is None:
        raise ValidationFailed(fields={"file": _("Choose a file to attach.")})
    filename = clean_filename(getattr(upload, "name", ""))
    if not filename:
        raise ValidationFailed(fields={"file": _("The file needs a name.")})
    size = int(upload.size or 0)
    if size > max_bytes():
        raise too_large(filename, size)
    if size == 0:
        message = _("%(name)s is empty.") % {"name": filename}
        raise ValidationFailed(message, fields={"file": message})
    content_type = sniff.allowed_type(upload, filename)
    if not content_type:
        message = _(
            "%(name)s is not an allowed file type. Attach a PDF, an image (PNG, JPEG, GIF, "
            "WebP), an office document (docx, xlsx, pptx, odt, ods, odp), a text or CSV file "
            "or an e-mail (.eml)."
        ) % {"name": filename}
        raise ValidationFailed(message, fields={"file": message})
    attachment = Attachment(
        record_type=record_type,
        record_id=record.pk,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    attachment.file.save(stored_name(attachment, filename), upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit_record(
                actor=actor,
                # (an update of the record's history: no audit action of its own, no migration)
                action="update",
                record_type=record_type,
                record_id=record.pk,
                changes={
                    "attachment": [None, attachment.pk],
                    "filename": [None, filename],
                    "size": [None, size],
                },
                summary=_("attached %(name)s") % {"name": filename},
                event="attachment.added",
                event_data={"attachment_id": attachment.pk, "filename": filename, "size": size},
            )
    except BaseException:
        # Nothing half-done: the row is gone with the transaction, and so goes the file.
        attachment.file.storage.delete(str(attachment.file.name))
        raise
    return attachment


def attachment_copy(
    *, actor: Any, source: Attachment, record_type: str, record_id: int
) -> Attachment:
    """A copy of ``source`` (read by the caller through ``attachment_get``: the actor may see
    it) on another record: a new row and a new stored file (read through the storage), so that
    either may be removed without the other (an email keeps the files it sent). Its checks were
    made when ``source`` was added; the actor must still be able to attach to the target. The
    stored copy is removed again when this fails; a caller whose own transaction fails later
    removes it (as with ``attachment_add``)."""
    record = record_get(viewer=actor, record_type=record_type, record_id=record_id)
    _may_attach(actor, record_type, record)
    copy = Attachment(
        record_type=record_type,
        record_id=record.pk,
        filename=source.filename,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        uploaded_by=actor,
    )
    try:
        with source.file.storage.open(str(source.file.name), "rb") as handle:
            copy.file.save(stored_name(copy, source.filename), File(handle), save=False)
    except (FileNotFoundError, OSError):
        message = _("%(name)s is missing from storage.") % {"name": source.filename}
        raise ValidationFailed(message, fields={"file": message}) from None
    try:
        with transaction.atomic():
            copy.save()
            audit_record(
                actor=actor,
                action="update",
                record_type=record_type,
                record_id=record.pk,
                changes={
                    "attachment": [None, copy.pk],
                    "filename": [None, copy.filename],
                    "size": [None, copy.size],
                },
                summary=_("attached %(name)s") % {"name": copy.filename},
                event="attachment.added",
                event_data={
                    "attachment_id": copy.pk,
                    "filename": copy.filename,
                    "size": copy.size,
                    "copied_from": source.pk,
                },
            )
    except BaseException:
        copy.file.storage.delete(str(copy.file.name))
        raise
    return copy


def _delete_files_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove a file (its uploader, the record's owner or an administrator): 404 when the actor
    may not see its record, 403 when they see it but may not remove it."""
    policy.ensure_can_write(actor)
    record = record_get(
        viewer=actor, record_type=attachment.record_type, record_id=attachment.record_id
    )
    locked = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if locked is None:
        return  # removed meanwhile: what was asked is done
    if not can_delete(actor, locked, record):
        raise Forbidden(_("Only the uploader, the record's owner or an admin can remove this."))
    name, pk = str(locked.file.name), locked.pk
    locked.delete()
    audit_record(
        actor=actor,
        action="update",
        record_type=locked.record_type,
        record_id=locked.record_id,
        changes={"attachment": [pk, None], "filename": [locked.filename, None]},
        summary=_("removed %(name)s") % {"name": locked.filename},
        event="attachment.deleted",
        event_data={"attachment_id": pk, "filename": locked.filename},
    )
    _delete_files_after_commit([name])


@transaction.atomic
def attachments_purge_for(*, record_type: str, record_id: int) -> int:
    """Delete every file on a record for good (the recycle bin's purge of that record): the
    rows now, the stored files once this commits. Answers how many there were."""
    rows = list(
        Attachment.objects.select_for_update()
        .filter(record_type=record_type, record_id=record_id)
        .values_list("pk", "file")
    )
    if not rows:
        return 0
    Attachment.objects.filter(pk__in=[pk for pk, _name in rows]).delete()
    _delete_files_after_commit([name for _pk, name in rows])
    return len(rows)


#: A stored file younger than this may belong to an upload whose transaction is still open.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def _months_back(now: datetime.datetime, count: int) -> list[str]:
    """The storage folders (``attachments/YYYY/MM``) of this month and the ``count - 1`` before."""
    year, month = now.year, now.month
    folders = []
    for _step in range(count):
        folders.append(f"attachments/{year:04d}/{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return folders


def attachments_sweep_orphans(*, now: datetime.datetime, months: int = 2) -> int:
    """Remove the stored files that no attachment row names: written by an upload whose
    transaction was rolled back after the file was stored (a caller's outer transaction that
    failed later, a worker that died). Only the last ``months`` folders are read (a file is
    orphaned, or not, when it is written), and only files older than ORPHAN_GRACE are removed.
    Answers how many were removed."""
    removed = 0
    for folder in _months_back(now, months):
        try:
            _dirs, names = default_storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            continue
        paths = [f"{folder}/{name}" for name in names]
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            kept = set(Attachment.objects.filter(file__in=chunk).values_list("file", flat=True))
            for path in chunk:
                if path in kept:
                    continue
                try:
                    if now - default_storage.get_modified_time(path) < ORPHAN_GRACE:
                        continue
                except (FileNotFoundError, NotImplementedError):
                    continue
                default_storage.delete(path)
                removed += 1
    return removed
