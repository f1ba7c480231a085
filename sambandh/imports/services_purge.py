"""The purge of abandoned uploads: a file uploaded to the import wizard waits in storage as the
session's draft until it is checked or imported (views_wizard.py); one that never was, and an
import asked for but never started, would otherwise stay on storage forever. The scheduled job
``imports.purge_abandoned`` (jobs.py) calls ``abandoned_uploads_purge`` every hour."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from sambandh.imports.models import ImportJob
from sambandh.imports.services import STORAGE_FOLDER, delete_file

#: Files looked at by one run at most (the next run goes on).
BATCH = 1000


def abandoned_after() -> datetime.timedelta:
    """How long an upload may wait unused: ``IMPORT_ABANDONED_HOURS`` (24 by default)."""
    return datetime.timedelta(hours=int(getattr(settings, "IMPORT_ABANDONED_HOURS", 24)))


@dataclass(frozen=True)
class Purged:
    files: int
    jobs: int


def abandoned_uploads_purge(*, now: datetime.datetime) -> Purged:
    """Delete the imports asked for before ``now`` less ``abandoned_after()`` and never started
    (still waiting, no row done), with their files; the files of the dry runs that finished as
    long ago and were never imported for real (the job and its report stay; importing it then
    asks for the file again); then the uploaded files as old that no import uses (a wizard
    draft never checked nor imported). An import that has started is never touched, nor is a
    file a job names."""
    cutoff = now - abandoned_after()
    files = _stale_jobs_delete(cutoff)
    rehearsed = _dry_run_files_delete(cutoff)
    orphans = _orphan_files_delete(cutoff, skip=set(files))
    return Purged(files=len(files) + rehearsed + orphans, jobs=len(files))


def _stale_jobs_delete(cutoff: datetime.datetime) -> list[str]:
    """Delete the stale jobs; answers their files, deleted once the deletion commits."""
    with transaction.atomic():
        # Locked, and skipped if a worker holds one: a job being claimed right now is left.
        stale = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(
                status=ImportJob.Status.PENDING,
                started_at__isnull=True,
                processed_rows=0,
                created_at__lt=cutoff,
            )
            .values_list("pk", "file")[:BATCH]
        )
        ImportJob.objects.filter(pk__in=[pk for pk, _file in stale]).delete()
        files = [name for _pk, name in stale]
        transaction.on_commit(lambda: _delete_files(files))
    return files


def _dry_run_files_delete(cutoff: datetime.datetime) -> int:
    """Forget and delete the files of the dry runs finished before ``cutoff``."""
    done = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED)
    with transaction.atomic():
        old = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(options__dry_run=True, status__in=done, finished_at__lt=cutoff)
            .exclude(file="")
            .values_list("pk", "file")[:BATCH]
        )
        ImportJob.objects.filter(pk__in=[pk for pk, _file in old]).update(file="")
        files = [name for _pk, name in old]
        transaction.on_commit(lambda: _delete_files(files))
    return len(files)


def _delete_files(names: list[str]) -> None:
    for name in names:
        delete_file(name)


def _orphan_files_delete(cutoff: datetime.datetime, *, skip: set[str]) -> int:
    try:
        folders, _files = default_storage.listdir(STORAGE_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0  # nothing uploaded yet, or a storage that cannot list (left alone)
    deleted = seen = 0
    for folder in sorted(folders):
        if seen >= BATCH:
            break
        base = f"{STORAGE_FOLDER}/{folder}"
        names = [f"{base}/{name}" for name in default_storage.listdir(base)[1]]
        seen += len(names)
        used = set(ImportJob.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names:
            if name in used or name in skip or default_storage.get_modified_time(name) >= cutoff:
                continue
            delete_file(name)
            deleted += 1
        if not default_storage.listdir(base)[1] and not skip.intersection(names):
            with contextlib.suppress(OSError, NotImplementedError):
                default_storage.delete(base)  # the empty folder (a file system's)
    return deleted
