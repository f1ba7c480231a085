"""The hourly purge of abandoned uploads (imports/services_purge.py), on a real database and a
real file storage: a wizard upload never checked nor imported, an import asked for but never
started, and the file of a dry run never imported for real are deleted after a day; anything
started, recent, or named by a job stays."""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sambandh.events.jobs import JobContext, job_named
from sambandh.imports.models import ImportJob
from sambandh.imports.services import store_file
from sambandh.imports.services_purge import abandoned_uploads_purge
from sambandh.imports.tests.helpers import run_import
from sambandh.imports.views_wizard import SESSION_KEY

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.timedelta(hours=24)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _age(name: str, by: datetime.timedelta) -> None:
    """Make the stored file ``by`` older (its modification time, which the purge reads)."""
    path = default_storage.path(name)
    then = (timezone.now() - by).timestamp()
    os.utime(path, (then, then))


def _pending_job(owner: Any, name: str, created: datetime.datetime) -> ImportJob:
    return ImportJob.objects.create(
        actor=owner, record_type="people", file=name, original_name="x.csv", created_at=created
    )


def test_an_abandoned_draft_and_a_never_started_import_are_deleted(owner):
    now = timezone.now()
    # given a wizard draft uploaded two days ago, and one uploaded an hour ago
    old_draft = store_file(ContentFile(b"Name\nA\n"), "old.csv")
    new_draft = store_file(ContentFile(b"Name\nB\n"), "new.csv")
    _age(old_draft, 2 * DAY)
    _age(new_draft, datetime.timedelta(hours=1))
    # and an import asked for two days ago that never started, and one asked for just now
    stale_file = store_file(ContentFile(b"Name\nC\n"), "stale.csv")
    _age(stale_file, 2 * DAY)
    stale = _pending_job(owner, stale_file, now - 2 * DAY)
    fresh_file = store_file(ContentFile(b"Name\nD\n"), "fresh.csv")
    _age(fresh_file, 2 * DAY)
    fresh = _pending_job(owner, fresh_file, now - datetime.timedelta(minutes=5))
    # and an import that ran, two days ago (its runner deleted its file when it finished)
    done = run_import(owner, "people", "Name\nE\n", mapping={"Name": "full_name"})
    ImportJob.objects.filter(pk=done.pk).update(created_at=now - 2 * DAY)

    # when the purge runs
    purged = abandoned_uploads_purge(now=now)

    # then the old draft and the stale import (with its file) are gone, and nothing else
    assert (purged.files, purged.jobs) == (2, 1)
    assert not default_storage.exists(old_draft)
    assert not default_storage.exists(stale_file)
    assert not ImportJob.objects.filter(pk=stale.pk).exists()
    for kept in (new_draft, fresh_file):
        assert default_storage.exists(kept)
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    # and the old draft's empty folder went with it
    assert not os.path.isdir(os.path.dirname(default_storage.path(old_draft)))
    # a second run finds nothing more
    assert abandoned_uploads_purge(now=now) == type(purged)(files=0, jobs=0)


def test_an_old_dry_runs_file_is_deleted_and_the_job_kept(owner):
    from sambandh.core.errors import ValidationFailed
    from sambandh.imports.services import import_from_dry_run

    now = timezone.now()
    # given a dry run that finished two days ago and one that just finished
    old = run_import(owner, "people", "Name\nA\n", mapping={"Name": "full_name"}, dry_run=True)
    recent = run_import(owner, "people", "Name\nB\n", mapping={"Name": "full_name"}, dry_run=True)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=now - 2 * DAY)
    old_file = old.file
    assert default_storage.exists(old_file) and default_storage.exists(recent.file)
    # when the purge runs
    purged = abandoned_uploads_purge(now=now)
    assert (purged.files, purged.jobs) == (1, 0)
    # then the old dry run's file is gone and the job says so; the recent one's stays
    old.refresh_from_db()
    assert old.file == "" and not default_storage.exists(old_file)
    assert old.rows.count() == 1  # its report stays
    assert default_storage.exists(recent.file)
    # and importing the old one for real asks for the file again
    with pytest.raises(ValidationFailed, match="no longer kept"):
        import_from_dry_run(actor=owner, job=old, background=False)


def test_a_started_import_is_never_deleted_however_old(owner):
    now = timezone.now()
    name = store_file(ContentFile(b"Name\nA\n"), "running.csv")
    job = _pending_job(owner, name, now - 3 * DAY)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=now - 3 * DAY
    )
    _age(name, 3 * DAY)
    assert abandoned_uploads_purge(now=now).jobs == 0
    assert default_storage.exists(name)
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_the_hours_are_a_setting(owner, settings):
    settings.IMPORT_ABANDONED_HOURS = 1
    name = store_file(ContentFile(b"Name\nA\n"), "draft.csv")
    _age(name, datetime.timedelta(hours=2))
    assert abandoned_uploads_purge(now=timezone.now()).files == 1
    assert not default_storage.exists(name)


def test_nothing_uploaded_yet_is_nothing_to_do(owner):
    assert abandoned_uploads_purge(now=timezone.now()).files == 0


def test_the_wizard_forgets_a_draft_whose_file_was_purged(owner, browser_for):
    # given a draft uploaded through the wizard, then purged after a day
    client = browser_for(owner)
    handle = ContentFile(b"Full name,Email\nAsha Rao,asha@example.com\n", name="people.csv")
    resp = client.post(
        "/imports/new/",
        {"record_type": "people", "preset": "", "on_duplicate": "update", "file": handle},
    )
    assert resp.status_code == 302, resp.content
    draft = client.session[SESSION_KEY]
    _age(draft["file"], 2 * DAY)
    assert abandoned_uploads_purge(now=timezone.now()).files == 1
    # then the mapping step sends the user back to the upload, not to an error
    resp = client.get("/imports/new/mapping/")
    assert resp.status_code == 302 and resp["Location"].endswith("/imports/new/")


def test_the_scheduled_job_is_declared_hourly_and_reports_what_it_did(owner):
    job = job_named("imports.purge_abandoned")
    assert job is not None and str(job.label) == "Delete abandoned import uploads"
    name = store_file(ContentFile(b"Name\nA\n"), "draft.csv")
    _age(name, 2 * DAY)
    now = timezone.now()
    assert job.func(JobContext(slot=now, now=now)) == "1 files and 0 imports deleted"
