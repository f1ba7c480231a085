"""The import wizard's pages, on a real database: upload, mapping (with samples, a preset saved),
the dry run's findings, the real import's progress and counts, cancel, undo with its
confirmation, the report, the list; bad files and bad choices; another user's import is 404."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from sambandh.contacts.models import Person
from sambandh.events.worker import run_worker
from sambandh.imports.models import ImportJob, ImportPreset
from sambandh.imports.views_wizard import SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE_CSV = (
    "Full name,Email,Works as,Shoe size\n"
    "Asha Rao,asha@example.com,Engineer,7\n"
    "Ravi Iyer,ravi@example.com,Designer,9\n"
    "Bad Row,not-an-email,Tester,8\n"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _file(text: str | bytes, name: str = "people.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode() if isinstance(text, str) else text)
    handle.name = name
    return handle


def _upload(client: Any, text: str | bytes = PEOPLE_CSV, **fields: str) -> Any:
    data = {"record_type": "people", "preset": "", "on_duplicate": "update", **fields}
    return client.post(
        "/imports/new/", {**data, "file": _file(text, fields.pop("name", "people.csv"))}
    )


def _mapping_post(client: Any, action: str, **overrides: str) -> Any:
    """Post the mapping page as shown, with ``overrides`` (col_<n> -> target) on top."""
    page = client.get("/imports/new/mapping/").content.decode()
    data: dict[str, str] = {"action": action, "external_id_column": ""}
    for name, block in re.findall(r'<select name="(col_\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', block)
        data[name] = chosen.group(1) if chosen else ""
    data.update(overrides)
    return client.post("/imports/new/mapping/", data)


def test_upload_then_mapping_shows_each_column_with_samples_and_the_count(owner, browser_for):
    client = browser_for(owner)
    # when the rep uploads a people CSV
    resp = _upload(client)
    # then the mapping page lists every column with its sample values, pre-mapped
    assert resp.status_code == 302 and resp["Location"] == "/imports/new/mapping/"
    page = client.get("/imports/new/mapping/")
    body = page.content.decode()
    assert page.status_code == 200
    for header in ("Full name", "Email", "Works as", "Shoe size"):
        assert f">{header}</label>" in body
    assert ">Asha Rao</span>" in body and ">ravi@example.com</span>" in body
    assert re.search(r'<select name="col_1"[^>]*>.*?value="email" selected', body, re.S)
    # the unknown columns are left out, highlighted, and counted
    assert body.count('class="is-unmapped"') == 2
    assert "2 of 4 columns will be imported" in body
    assert "Don&#x27;t import" in body or "Don't import" in body
    # and nothing is imported yet
    assert ImportJob.objects.count() == 0


def test_an_unreadable_file_is_refused_with_the_readers_message_and_nothing_kept(
    owner, browser_for, media
):
    client = browser_for(owner)
    resp = _upload(client, b"", name="empty.csv")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'class="errorlist' in body and "empty" in body.lower()
    assert ImportJob.objects.count() == 0
    assert SESSION_KEY not in client.session
    assert not any(p.is_file() for p in media.rglob("*"))


def test_the_upload_form_says_what_is_missing(owner, browser_for):
    client = browser_for(owner)
    resp = client.post("/imports/new/", {"record_type": "spaceships", "on_duplicate": "x"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert body.count('class="errorlist') >= 3  # the type, the file, the choice
    assert ImportJob.objects.count() == 0


def test_flagging_is_refused_for_deals(owner, browser_for):
    client = browser_for(owner)
    resp = _upload(client, "Name,Amount\nBig deal,10\n", record_type="deals", on_duplicate="flag")
    assert "Only people and organizations can be flagged" in resp.content.decode()
    assert SESSION_KEY not in client.session


def test_a_post_with_nothing_but_a_file_is_answered_with_the_forms_errors(owner, browser_for):
    client = browser_for(owner)
    resp = client.post("/imports/new/", {"file": _file(PEOPLE_CSV)})
    assert resp.status_code == 200 and 'class="errorlist' in resp.content.decode()
    assert SESSION_KEY not in client.session


def test_column_names_and_values_are_shown_escaped(owner, browser_for):
    client = browser_for(owner)
    _upload(client, "<b>Name</b>,Email\n<script>alert(1)</script>,a@example.com\n")
    body = client.get("/imports/new/mapping/").content.decode()
    assert "<script>alert(1)" not in body and "<b>Name</b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;b&gt;Name&lt;/b&gt;" in body


def test_mapping_without_an_upload_goes_back_to_the_upload(owner, browser_for):
    resp = browser_for(owner).get("/imports/new/mapping/")
    assert resp.status_code == 302 and resp["Location"] == "/imports/new/"


def test_two_columns_to_one_field_are_refused_and_nothing_starts(owner, browser_for):
    client = browser_for(owner)
    _upload(client)
    resp = _mapping_post(client, "check", col_2="email")
    assert resp.status_code == 422
    assert "already goes to" in resp.content.decode()
    assert ImportJob.objects.count() == 0


def test_save_as_preset_then_it_is_offered_and_maps_the_same(owner, browser_for):
    client = browser_for(owner)
    _upload(client)
    resp = _mapping_post(client, "save_preset", col_2="job_title", preset_name="My sheet")
    assert resp.status_code == 302
    preset = ImportPreset.objects.get(owner=owner)
    assert (preset.name, preset.record_type) == ("My sheet", "people")
    assert preset.mapping["Works as"] == "job_title" and preset.mapping["Email"] == "email"
    # the upload offers it, and a file uploaded with it comes out mapped the same way
    assert (
        '<option value="My sheet">My sheet</option>' in client.get("/imports/new/").content.decode()
    )
    _upload(client, preset="My sheet")
    body = client.get("/imports/new/mapping/").content.decode()
    assert re.search(r'<select name="col_2"[^>]*>.*?value="job_title" selected', body, re.S)


def test_a_preset_without_a_name_is_refused(owner, browser_for):
    client = browser_for(owner)
    _upload(client)
    resp = _mapping_post(client, "save_preset", preset_name="  ")
    assert resp.status_code == 422 and "Name the preset." in resp.content.decode()
    assert ImportPreset.objects.count() == 0


def test_dry_run_shows_counts_and_rejections_then_import_undo(owner, browser_for):
    client = browser_for(owner)
    existing = factories.make_person(owner, full_name="Ravi I.", email="ravi@example.com")
    _upload(client, on_duplicate="skip")
    # when the rep checks the file with Works as mapped by hand
    resp = _mapping_post(client, "check", col_2="job_title")
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/imports/{job.pk}/"
    assert job.dry_run and job.options["mapping"]["Works as"] == "job_title"
    # then while it waits the panel polls every second
    body = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in body and 'role="progressbar"' in body
    run_worker(until_idle=True)
    job.refresh_from_db()
    assert (job.status, job.created, job.unchanged, job.rejected) == ("done", 1, 1, 1)
    assert Person.objects.count() == 1  # a dry run writes nothing
    panel = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in panel  # finished: the polling stops
    assert 'aria-valuenow="100"' in panel
    assert re.search(r'data-count="created">1<', panel) and re.search(
        r'data-count="rejected">1<', panel
    )
    assert "Rows that would be rejected" in panel and '<td class="num">4</td>' in panel
    assert f'href="/imports/{job.pk}/report/"' in panel
    report = b"".join(client.get(f"/imports/{job.pk}/report/").streaming_content).decode()
    assert report.splitlines()[0].lstrip("\ufeff") == "row,outcome,record_id,reasons"
    assert "4,would_reject" in report
    # when the rep imports it for real
    resp = client.post(f"/imports/{job.pk}/run/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert resp["Location"] == f"/imports/{real.pk}/" and not real.dry_run
    assert SESSION_KEY not in client.session  # the draft is done with
    run_worker(until_idle=True)
    real.refresh_from_db()
    assert (real.status, real.created, real.unchanged, real.rejected) == ("done", 1, 1, 1)
    asha = Person.objects.get(full_name="Asha Rao")
    assert asha.job_title == "Engineer"
    body = client.get(f"/imports/{real.pk}/").content.decode()
    assert f'href="/people/{asha.pk}/"' in body and "Undo the import" in body
    # undo asks first, then removes what it created
    confirm = client.get(f"/imports/{real.pk}/undo/")
    assert (
        confirm.status_code == 200
        and "The record it created goes to the recycle bin." in confirm.content.decode()
    )
    assert Person.objects.filter(pk=asha.pk).exists()
    resp = client.post(f"/imports/{real.pk}/undo/")
    assert resp.status_code == 302
    real.refresh_from_db()
    assert real.status == "undone"
    assert list(Person.objects.values_list("pk", flat=True)) == [existing.pk]
    assert (
        "Everything the import did was undone."
        in client.get(f"/imports/{real.pk}/").content.decode()
    )


def test_import_without_checking_and_cancel_while_waiting(owner, browser_for):
    client = browser_for(owner)
    _upload(client)
    resp = _mapping_post(client, "import")
    job = ImportJob.objects.get()
    assert not job.dry_run and resp["Location"] == f"/imports/{job.pk}/"
    body = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Cancel the import" in body
    client.post(f"/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == "cancelled"
    run_worker(until_idle=True)
    assert Person.objects.count() == 0
    # a second cancel is refused with a message, nothing changes
    resp = client.post(f"/imports/{job.pk}/cancel/", follow=True)
    assert "already finished" in resp.content.decode()


def test_the_list_shows_ones_own_imports_and_admins_see_all(
    owner, teammate, admin_user, browser_for
):
    mine = ImportJob.objects.create(actor=owner, record_type="people", original_name="mine.csv")
    theirs = ImportJob.objects.create(
        actor=teammate, record_type="leads", original_name="theirs.csv"
    )
    body = browser_for(owner).get("/imports/").content.decode()
    assert "mine.csv" in body and "theirs.csv" not in body
    admin = browser_for(admin_user).get("/imports/").content.decode()
    assert "mine.csv" in admin and "theirs.csv" in admin
    assert f"/imports/{mine.pk}/" in admin and f"/imports/{theirs.pk}/" in admin


@pytest.mark.parametrize("suffix", ["", "report/", "undo/"])
def test_another_users_import_is_not_found(owner, outsider, browser_for, suffix):
    job = ImportJob.objects.create(
        actor=owner, record_type="people", original_name="mine.csv", status="done", created=1
    )
    assert browser_for(outsider).get(f"/imports/{job.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("action", ["run", "cancel", "undo"])
def test_another_users_import_cannot_be_acted_on(owner, outsider, browser_for, action):
    job = ImportJob.objects.create(actor=owner, record_type="people", status="pending")
    resp = browser_for(outsider).post(f"/imports/{job.pk}/{action}/")
    assert resp.status_code == 404
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == ("pending", False)


def test_a_reader_cannot_open_the_wizard(readonly, browser_for):
    client = browser_for(readonly)
    assert client.get("/imports/new/").status_code == 403
    assert _upload(client).status_code == 403
    assert client.get("/imports/new/mapping/").status_code == 403
    assert ImportJob.objects.count() == 0


def test_the_navigation_has_an_import_entry(owner, browser_for):
    body = browser_for(owner).get("/").content.decode()
    assert 'href="/imports/"' in body


def test_custom_fields_are_offered_in_their_own_group(owner, admin_user, browser_for):
    from sambandh.customfields.services import custom_field_create

    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "shoe", "label": "Shoe size", "type": "text"},
    )
    client = browser_for(owner)
    _upload(client)
    body = client.get("/imports/new/mapping/").content.decode()
    assert re.search(r'<optgroup label="Custom fields">\s*<option value="custom.shoe"', body)


@pytest.mark.parametrize(
    ("record_type", "text", "target"),
    [
        ("organizations", "Name,Industry\nAcme,Retail\n", "name"),
        ("leads", "Full name,Email\nLee,lee@example.com\n", "email"),
        ("deals", "Name,Amount\nBig one,10 EUR\n", "name"),
    ],
)
def test_each_record_type_reaches_its_mapping(owner, browser_for, record_type, text, target):
    client = browser_for(owner)
    resp = _upload(client, text, record_type=record_type)
    assert resp.status_code == 302
    body = client.get("/imports/new/mapping/").content.decode()
    assert re.search(rf'<select name="col_\d"[^>]*>.*?value="{target}" selected', body, re.S)
    assert client.session[SESSION_KEY]["record_type"] == record_type


def test_a_rows_reasons_read_as_sentences():
    from sambandh.imports.selectors import reasons_text

    reasons = [
        {"field": "Email", "message": "“x” is not a valid email address."},
        {"field": "Phone", "message": "not a phone number"},
        {"field": "", "message": "यह पंक्ति खाली है।"},
    ]
    assert reasons_text(reasons) == (
        "Email: “x” is not a valid email address. Phone: not a phone number. यह पंक्ति खाली है।"
    )
    assert reasons_text([]) == ""
