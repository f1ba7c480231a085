"""The privacy app's background task, run by `sambandh worker` (Django's tasks API)."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger("sambandh.privacy")


@task()
def build_access_export(request_id: int) -> str:
    """Build one access request's export. Safe to run twice (services.export_build); a failure
    marks the request failed, with the error, for an admin to see."""
    from sambandh.privacy.models import DataSubjectRequest
    from sambandh.privacy.services import export_build

    try:
        return export_build(request_id)
    except Exception as exc:
        logger.exception("access export of request %s failed", request_id)
        DataSubjectRequest.objects.filter(pk=request_id).update(
            status=DataSubjectRequest.Status.FAILED, error=str(exc)[:2000]
        )
        return "failed"
