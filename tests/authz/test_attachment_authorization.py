"""Attachments as every role of the authorization world (tests/authz/world.py): who may attach a
file to each kind of record, read and download a file, and remove it; a refusal changes nothing,
and no answer names a record the role may not see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import ApiClient
from sambandh.attachments.models import Attachment
from sambandh.attachments.services import attachment_add
from tests.authz.test_api_authorization import (
    CASES,
    KINDS,
    V1,
    _assert_no_secret,
    _state,
    changes,
    sees,
)
from tests.authz.world import ROLES, build_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
UPLOAD_ROUTES = sorted(
    path for (method, path), case in CASES.items() if case.how == "attachment" and method == "post"
)
# Who owns the world's record of each side (an activity's owner is its author).
OWNER = {"own": "owner", "hidden": "outsider"}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_every_record_type_has_an_upload_route():
    expected = [f"/{p}/{{record_id}}/attachments" for p in sorted(KINDS) if p != "tasks"]
    assert expected == UPLOAD_ROUTES


def _may_attach(role: str, kind: str, side: str) -> bool:
    """As a note: whoever sees a record with a timeline and writes; an activity (or the test
    gadget, which has no timeline) only whoever may change it."""
    if kind in ("activity", "gadget"):
        return role in changes(kind, side)
    return role in sees(kind, side) and role != "readonly"


def _snapshot() -> Any:
    return _state(), sorted(Attachment.objects.values_list("pk", "record_type", "record_id"))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_attach_a_file_to_each_record(role):
    world = build_world()
    client = ApiClient(world.user(role))
    for path in UPLOAD_ROUTES:
        kind = KINDS[path.split("/")[1]]
        for side in ("own", "hidden"):
            record = world.records[kind][side]
            before = _snapshot()
            resp = client.client.post(
                V1 + path.format(record_id=record.pk),
                {"file": SimpleUploadedFile("contract.pdf", PDF)},
                headers=client._headers(None),
            )
            if _may_attach(role, kind, side):
                assert resp.status_code == 201, (role, path, side, resp.content[:300])
            else:
                expected = 403 if role in sees(kind, side) else 404
                assert resp.status_code == expected, (role, path, side, resp.content[:300])
                assert _snapshot() == before
            _assert_no_secret(world, role, resp, f"upload {path} ({side})")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_download_and_remove_a_file(role):
    # given a file an admin attached to each record of the world
    world = build_world()
    admin = world.user("admin")
    files = {
        (kind, side): attachment_add(
            actor=admin,
            record_type=kind,
            record_id=world.records[kind][side].pk,
            upload=SimpleUploadedFile(f"{kind}-{side}.pdf", PDF),
        )
        for kind in ("person", "organization", "deal", "lead", "activity", "gadget")
        for side in ("own", "hidden")
    }
    client = ApiClient(world.user(role))
    for (kind, side), attachment in files.items():
        seen = role in sees(kind, side)
        # reading it and its bytes: whoever may see the record, a 404 for everyone else
        for url in (f"/attachments/{attachment.pk}", f"/attachments/{attachment.pk}/download"):
            resp = client.get(V1 + url)
            assert resp.status_code == (200 if seen else 404), (role, kind, side, url)
            if resp.status_code == 200 and url.endswith("download"):
                assert b"".join(resp.streaming_content) == PDF
            else:
                _assert_no_secret(world, role, resp, f"{url} ({kind}, {side})")
        # removing it: the record's owner and admins (the uploader is an admin)
        before = _snapshot()
        resp = client.delete(f"{V1}/attachments/{attachment.pk}")
        if role in ("admin", OWNER[side]) and seen:
            assert resp.status_code == 204, (role, kind, side, resp.content[:300])
        else:
            assert resp.status_code == (403 if seen else 404), (role, kind, side)
            assert _snapshot() == before
        _assert_no_secret(world, role, resp, f"delete ({kind}, {side})")


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_a_file_s_pages_in_the_web(role, client):
    # given a PDF and an image an admin attached to the owner's and the outsider's deals
    world = build_world()
    admin = world.user("admin")
    client.force_login(world.user(role))
    for side in ("own", "hidden"):
        deal = world.records["deal"][side]
        for name, content in (("offer.pdf", PDF), ("photo.gif", b"GIF89a\x01\x00\x01\x00;")):
            attachment = attachment_add(
                actor=admin,
                record_type="deal",
                record_id=deal.pk,
                upload=SimpleUploadedFile(name, content),
            )
            for action in ("download", "inline", "preview"):
                # then whoever sees the deal gets them, and everyone else a 404
                resp = client.get(f"/attachments/{attachment.pk}/{action}/")
                expected = 200 if role in sees("deal", side) else 404
                assert resp.status_code == expected, (role, side, action)
                if expected == 404:
                    body = world.readable(resp.content.decode())
                    assert all(secret not in body for secret in world.secrets(role))
            # and a removal by whoever may not is refused, changing nothing
            before = _snapshot()
            resp = client.post(f"/attachments/{attachment.pk}/delete/")
            if role in ("admin", OWNER[side]) and role in sees("deal", side):
                assert resp.status_code == 302
            else:
                assert resp.status_code == (403 if role in sees("deal", side) else 404)
                assert _snapshot() == before
