"""The batch scan on a real database: the CLI's CSV, the review queue it fills, dismissing a
pair, and who may see the queue."""

from __future__ import annotations

import csv
import datetime

import pytest

from sambandh.cli import main
from sambandh.contacts.models import Person
from sambandh.core.audit import AuditEvent
from sambandh.dedupe.engine import scan as engine_scan
from sambandh.dedupe.models import DuplicatePair
from sambandh.dedupe.scan import run_scan
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.date(1971, 6, 24)


def _people(owner):
    robert = factories.make_person(
        owner,
        given_name="Robert",
        family_name="Allen",
        full_name="",
        birth_date=DAY,
        email="robert.allen@example.com",
    )
    bob = factories.make_person(
        owner,
        given_name="Bob",
        family_name="Alen",
        full_name="",
        birth_date=DAY,
        email="robert.allen@example.com",
    )
    priya = factories.make_person(
        owner,
        given_name="Priya",
        family_name="Nair",
        full_name="",
        birth_date=datetime.date(1990, 1, 2),
        email="priya@example.in",
    )
    return robert, bob, priya


def test_the_cli_writes_the_pairs_as_csv_and_fills_the_queue(owner, tmp_path, capsys):
    robert, bob, _priya = _people(owner)
    out = tmp_path / "pairs.csv"
    assert main(["duplicates", "scan", "--type", "people", "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["id_a", "id_b", "score", "external_id_a", "external_id_b"]
    assert [(int(r[0]), int(r[1])) for r in rows[1:]] == [(robert.pk, bob.pk)]
    assert float(rows[1][2]) > 0.9
    assert rows[1][3:] == ["", ""]
    pair = DuplicatePair.objects.get()
    assert (pair.record_type, pair.record_a_id, pair.record_b_id) == ("person", robert.pk, bob.pk)
    assert "email:exact" in pair.reasons
    assert "3 people scanned" in capsys.readouterr().err


def test_a_bad_threshold_or_an_unwritable_path_is_refused(owner, tmp_path, capsys):
    _people(owner)
    code = main(["duplicates", "scan", "--type", "people", "--out", "-", "--threshold", "2"])
    assert code == 2
    assert "--threshold" in capsys.readouterr().err
    bad = str(tmp_path / "missing" / "pairs.csv")
    assert main(["duplicates", "scan", "--type", "people", "--out", bad]) == 2
    assert "cannot write" in capsys.readouterr().err
    code = main(["duplicates", "scan", "--type", "people", "--out", "-", "--workers", "0"])
    assert code == 2
    assert "--workers" in capsys.readouterr().err
    assert not DuplicatePair.objects.exists()


def test_a_scan_in_two_processes_finds_what_one_finds(owner, monkeypatch, tmp_path):
    # Given the scan made to fork for three people (it does from 20,000 records otherwise)
    robert, bob, _priya = _people(owner)
    monkeypatch.setattr(engine_scan, "PARALLEL_FROM", 0)
    monkeypatch.setattr(engine_scan, "_can_fork", lambda: True)  # pytest runs threads
    monkeypatch.setattr(engine_scan, "SHARD", 1)
    out = tmp_path / "pairs.csv"
    # When it runs with two scoring processes
    assert (
        main(["duplicates", "scan", "--type", "people", "--out", str(out), "--workers", "2"]) == 0
    )
    # Then the pair is in the CSV and the queue, as with one
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [(int(r[0]), int(r[1])) for r in rows[1:]] == [(robert.pk, bob.pk)]
    pair = DuplicatePair.objects.get()
    assert (pair.record_a_id, pair.record_b_id) == (robert.pk, bob.pk)


def test_organizations_match_without_their_legal_forms(owner, tmp_path):
    a = factories.make_organization(owner, name="Zircon Analytics Pvt. Ltd.", domain="zircon.in")
    b = factories.make_organization(
        owner, name="ZIRCON ANALYTICS PRIVATE LIMITED", domain="zircon.in"
    )
    factories.make_organization(owner, name="Mosaic Foods GmbH", domain="mosaic.de")
    out = tmp_path / "orgs.csv"
    assert main(["duplicates", "scan", "--type", "organizations", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [(int(r["id_a"]), int(r["id_b"])) for r in rows] == [(a.pk, b.pk)]


def test_a_dismissed_pair_stays_dismissed_after_a_new_scan(owner, manager, browser_for):
    robert, bob, _priya = _people(owner)
    run_scan("people")
    pair = DuplicatePair.objects.get()
    page = browser_for(manager).get("/duplicates/?type=person")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Robert Allen" in html and "Bob Alen" in html
    assert "Email: same" in html
    resp = browser_for(manager).post(f"/duplicates/{pair.pk}/dismiss/", {"type": "person"})
    assert resp.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "dismissed"
    assert pair.decided_by == manager
    assert AuditEvent.objects.filter(action="dismiss_duplicate", record_id=robert.pk).count() == 1
    run_scan("people")
    assert DuplicatePair.objects.get().status == "dismissed"
    assert "Robert Allen" not in browser_for(manager).get("/duplicates/").content.decode()


def test_a_pair_not_found_again_leaves_the_queue(owner):
    robert, bob, _priya = _people(owner)
    run_scan("people")
    assert DuplicatePair.objects.count() == 1
    from sambandh.contacts.services import person_delete

    person_delete(actor=owner, person=bob)
    run_scan("people")
    assert not DuplicatePair.objects.exists()


def test_only_admins_and_managers_see_the_queue_or_dismiss(
    owner, readonly, admin_user, browser_for
):
    _people(owner)
    run_scan("people")
    pair = DuplicatePair.objects.get()
    assert browser_for(admin_user).get("/duplicates/").status_code == 200
    for user in (owner, readonly):
        assert browser_for(user).get("/duplicates/").status_code == 403
        resp = browser_for(user).post(f"/duplicates/{pair.pk}/dismiss/")
        assert resp.status_code == 403
        assert browser_for(user).post("/duplicates/scan/", {"type": "person"}).status_code == 403
    pair.refresh_from_db()
    assert pair.status == "open"
    assert not AuditEvent.objects.filter(action="dismiss_duplicate").exists()


def test_the_queue_shows_what_spoke_against_a_pair(owner, admin_user, browser_for):
    robert, bob, _priya = _people(owner)
    Person.objects.filter(pk=bob.pk).update(birth_date=datetime.date(1994, 2, 11))
    run_scan("people")
    pair = DuplicatePair.objects.get()
    assert "email:exact" in pair.reasons and "-birth_date:different" in pair.reasons
    page = browser_for(admin_user).get("/duplicates/").content.decode()
    why = page.split(f'href="/people/{bob.pk}/"')[1].split("</tr>")[0]
    assert "Email: same" in why
    assert "Against:</strong> Date of birth: different" in why
    assert "Email: same" not in why.split("Against:")[1]


def test_the_sidebar_shows_the_queue_to_those_who_may_review_it(
    owner, readonly, manager, admin_user, browser_for
):
    link = 'href="/duplicates/"'
    for user in (admin_user, manager):
        assert link in browser_for(user).get("/").content.decode()
    for user in (owner, readonly):
        assert link not in browser_for(user).get("/").content.decode()


def test_a_manager_sees_no_pair_with_a_record_outside_their_scope(
    owner, outsider, manager, browser_for
):
    mine = factories.make_person(owner, full_name="Zircon Person", email="z@example.com")
    theirs = factories.make_person(outsider, full_name="Zircon Person", email="z@example.com")
    run_scan("people")
    assert DuplicatePair.objects.filter(record_a_id=mine.pk, record_b_id=theirs.pk).exists()
    html = browser_for(manager).get("/duplicates/").content.decode()
    assert "Zircon Person" not in html
    assert f"/people/{theirs.pk}/" not in html


def test_dismissing_a_pair_that_is_gone_says_so(manager, browser_for):
    resp = browser_for(manager).post("/duplicates/999999/dismiss/", follow=True)
    assert resp.status_code == 200
    assert "no longer in the queue" in resp.content.decode()


def test_scan_now_queues_a_background_scan(owner, admin_user, browser_for):
    from django_tasks_db.models import DBTaskResult

    _people(owner)
    before = DBTaskResult.objects.count()
    resp = browser_for(admin_user).post("/duplicates/scan/", {"type": "organization"})
    assert resp.status_code == 302
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert task.task_path.endswith("scan_duplicates")
    assert task.args_kwargs["args"] == ["organizations"]


def test_a_date_of_birth_is_stored_and_a_future_one_refused(owner):
    from sambandh.contacts.models import Person
    from sambandh.core.errors import ValidationFailed

    person = factories.make_person(owner, full_name="Asha Rao", birth_date="1984-02-29")
    assert Person.objects.get(pk=person.pk).birth_date == datetime.date(1984, 2, 29)
    with pytest.raises(ValidationFailed) as refused:
        factories.make_person(owner, full_name="Future Child", birth_date="2999-01-01")
    assert "birth_date" in refused.value.fields
    assert not Person.objects.filter(full_name="Future Child").exists()
