"""A record's files live as long as the record: deleted (in the recycle bin) they are kept and
come back on a restore; purged from the bin, they are removed, with those of the activities that
went to the bin with the record (attachments/handlers.py on ``<type>.purged``)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sambandh.attachments.models import Attachment
from sambandh.attachments.services import attachment_add
from sambandh.attachments.tests.samples import PDF
from sambandh.contacts.services import person_delete
from sambandh.recyclebin.models import BinEntry
from sambandh.recyclebin.services import bin_restore, bins_purge
from tests import factories
from tests.bulk_jobs import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _attach(owner, record_type: str, record_id: int, name: str) -> Attachment:  # noqa: ANN001
    with transaction.atomic():
        return attachment_add(
            actor=owner,
            record_type=record_type,
            record_id=record_id,
            upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        )


def test_files_stay_through_a_restore_and_go_with_a_purge(owner, media_root: Path):
    person = factories.make_person(owner, full_name="Ana Pereira")
    call = factories.make_activity(owner, "call", subject="Intro", person_id=person.pk)
    on_person = _attach(owner, "person", person.pk, "contract.pdf")
    on_call = _attach(owner, "activity", call.pk, "notes.pdf")
    stored = [media_root / str(a.file.name) for a in (on_person, on_call)]
    assert all(p.exists() for p in stored)

    # deleted, then restored: the files never left
    person_delete(actor=owner, person=person)
    run_worker()
    assert Attachment.objects.count() == 2 and all(p.exists() for p in stored)
    bin_restore(actor=owner, entry_id=BinEntry.objects.get().pk)

    # deleted again and purged 31 days later: the person's file and the call's are gone
    person.refresh_from_db()
    person_delete(actor=owner, person=person)
    entry = BinEntry.objects.filter(restored_at__isnull=True).get()
    assert bins_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    run_worker()
    assert not Attachment.objects.exists()
    assert not any(p.exists() for p in stored)
    entry.refresh_from_db()
    assert entry.purged_at is not None


class _Rollback(Exception):
    pass


def test_a_file_whose_upload_was_rolled_back_is_swept_once_it_is_an_hour_old(
    owner, media_root: Path
):
    from sambandh.attachments.services import attachments_sweep_orphans

    person = factories.make_person(owner, full_name="Asha Rao")
    kept = _attach(owner, "person", person.pk, "kept.pdf")
    # given an upload whose row went with a caller's transaction that failed afterwards
    with pytest.raises(_Rollback), transaction.atomic():
        _attach(owner, "person", person.pk, "lost.pdf")
        raise _Rollback
    files = sorted(p for p in media_root.rglob("*") if p.is_file())
    assert len(files) == 2 and Attachment.objects.count() == 1
    orphan = next(p for p in files if not str(p).endswith(str(kept.file.name)))

    # a young orphan may belong to an upload still in progress: it stays
    now = timezone.now()
    assert attachments_sweep_orphans(now=now) == 0
    assert orphan.exists()

    # an hour later it is removed, and the kept attachment's file stays
    assert attachments_sweep_orphans(now=now + datetime.timedelta(hours=1, minutes=1)) == 1
    assert not orphan.exists()
    assert (media_root / str(kept.file.name)).exists()
    assert attachments_sweep_orphans(now=now + datetime.timedelta(hours=2)) == 0


def test_the_sweep_is_a_nightly_job():
    from sambandh.events.jobs import job_named

    job = job_named("attachments.sweep_orphans")
    assert job is not None and job.label == "Remove orphaned files"
