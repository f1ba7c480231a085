"""/api/v1/imports: upload (202), the job with its report, the CSV report, undo, cancel,
presets; another user's import is a 404; every bad input a clear 4xx that writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sambandh.contacts.models import Person
from sambandh.imports.engine.runner import execute
from sambandh.imports.models import ImportJob, ImportPreset
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports"
TEXT = "Name,Email\nAsha Rao,asha@example.com\nBad,not-an-email\n"
MAPPING = {"Name": "full_name", "Email": "email"}


def upload(client: Any, text: str | bytes = TEXT, name: str = "people.csv", **form: Any) -> Any:
    data = text.encode() if isinstance(text, str) else text
    body = {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "type": "people",
        **form,
    }
    return client.client.post(URL, body, headers=client._headers(None))


def test_an_upload_answers_202_and_the_worker_imports_it(api, owner):
    client = api(owner)
    resp = upload(client, mapping=json.dumps(MAPPING))
    assert resp.status_code == 202, resp.content
    job_id = resp.json()["id"]
    assert (resp.json()["status"], resp.json()["file_name"]) == ("pending", "people.csv")
    assert execute(job_id) == "done"
    got = client.get(f"{URL}/{job_id}").json()
    assert (got["status"], got["total_rows"], got["progress"]) == ("done", 2, 1.0)
    assert got["counts"] == {
        "created": 1,
        "updated": 0,
        "merged": 0,
        "unchanged": 0,
        "rejected": 1,
        "flagged": 0,
    }
    assert [(r["row"], r["outcome"]) for r in got["rows"]["items"]] == [
        (2, "created"),
        (3, "rejected"),
    ]
    rejected = client.get(f"{URL}/{job_id}/rows", {"outcome": "rejected"}).json()
    assert rejected["items"][0]["reasons"][0]["field"] == "Email"
    report = client.get(f"{URL}/{job_id}/report")
    assert report.status_code == 200
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,outcome,record_id,reasons"
    assert lines[2].startswith("3,rejected,,Email: ")
    undone = client.post(f"{URL}/{job_id}/undo")
    assert (undone.status_code, undone.json()["status"]) == (200, "undone")
    assert not Person.objects.exists()


def test_another_users_import_is_not_found_and_left_alone(api, owner, outsider, admin_user):
    resp = upload(api(owner), mapping=json.dumps(MAPPING))
    job_id = resp.json()["id"]
    execute(job_id)
    for path in (f"{URL}/{job_id}", f"{URL}/{job_id}/rows", f"{URL}/{job_id}/report"):
        assert_error(api(outsider).get(path), 404, "not_found")
    assert_error(api(outsider).post(f"{URL}/{job_id}/undo"), 404, "not_found")
    assert Person.objects.count() == 1
    assert ImportJob.objects.get(pk=job_id).status == "done"
    assert api(outsider).get(URL).json()["items"] == []
    assert api(admin_user).get(f"{URL}/{job_id}").status_code == 200


def test_an_unreadable_file_is_a_400_with_the_readers_message_and_a_failed_job(api, owner):
    resp = upload(api(owner), b"")
    assert_error(resp, 400, "unreadable_file")
    job = ImportJob.objects.get()
    assert (job.status, job.error) == ("failed", resp.json()["error"]["message"])
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"type": "robots"}, "type"),
        ({"preset": "no-such-preset"}, "preset"),
        ({"mapping": json.dumps({"Name": "shoe_size"})}, "mapping.Name"),
        ({"mapping": json.dumps({"Nope": "email"})}, "mapping.Nope"),
        ({"mapping": "{not json"}, "mapping"),
        ({"external_id_column": "Id"}, "external_id_column"),
        ({"on_duplicate": "explode"}, "on_duplicate"),
        ({"dry_run": "perhaps"}, "dry_run"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_option_is_a_422_naming_it_and_nothing_is_stored(api, owner, form, field):
    resp = upload(api(owner), **form)
    assert resp.status_code == 422, resp.content
    assert field in resp.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_with_413(api, owner, settings):
    settings.IMPORT_MAX_BYTES = 10
    assert_error(upload(api(owner)), 413, "too_large")
    assert not ImportJob.objects.exists()


def test_a_read_only_user_cannot_import(api, readonly):
    assert upload(api(readonly), mapping=json.dumps(MAPPING)).status_code == 403
    assert not ImportJob.objects.exists()


def test_presets_are_listed_and_saved(api, owner, teammate):
    client = api(owner)
    built_in = client.get(f"{URL}/presets", {"record_type": "people"}).json()
    assert "thunderbird" in {p["name"] for p in built_in if p["built_in"]}
    saved = client.post(
        f"{URL}/presets",
        {"name": "Our CRM", "record_type": "people", "mapping": MAPPING, "shared": True},
    )
    assert saved.status_code == 201
    assert ImportPreset.objects.get().mapping == MAPPING
    theirs = api(teammate).get(f"{URL}/presets", {"record_type": "people"}).json()
    assert "Our CRM" in {p["name"] for p in theirs}
    bad = client.post(
        f"{URL}/presets", {"name": "X", "record_type": "people", "mapping": {"A": "shoe_size"}}
    )
    assert bad.status_code == 422
    resp = upload(api(teammate), preset="Our CRM")
    assert resp.status_code == 202
    assert resp.json()["options"]["mapping"] == MAPPING


def test_a_running_import_can_be_cancelled_once(api, owner):
    client = api(owner)
    job_id = upload(client, mapping=json.dumps(MAPPING)).json()["id"]
    assert client.post(f"{URL}/{job_id}/cancel").json()["status"] == "cancelled"
    assert_error(client.post(f"{URL}/{job_id}/cancel"), 422, "validation_failed")
