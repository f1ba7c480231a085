"""The data-subject export, as each role: only an administrator downloads it, and only once;
every other role is refused (403) and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import ApiClient
from sambandh.core.models import AuditEvent
from sambandh.privacy.models import DataSubjectRequest
from sambandh.privacy.services import export_build, request_create
from tests.authz.world import ROLES, build_world

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_downloads_the_export_and_only_once(role):
    # given an access request about the owner's person, its export built
    world = build_world()
    request = request_create(
        actor=world.user("admin"), type="access", person_id=world.records["person"]["own"].pk
    )
    assert export_build(request.pk) == "ready"
    client = ApiClient(world.user(role))
    url = f"{V1}/privacy/requests/{request.pk}/export"
    before = (
        list(DataSubjectRequest.objects.values_list()),
        AuditEvent.objects.count(),
    )
    resp = client.get(url)
    if role != "admin":
        # then anyone else is refused, and nothing changes (the export is still there)
        assert resp.status_code == 403, resp.content[:300]
        assert (
            list(DataSubjectRequest.objects.values_list()),
            AuditEvent.objects.count(),
        ) == before
        return
    # then the admin gets the zip once; the second download is refused (410) and audited
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    second = client.get(url)
    assert second.status_code == 410, second.content
    assert AuditEvent.objects.filter(
        record_type="privacy_request", record_id=request.pk, changes={"refused": [None, True]}
    ).exists()
