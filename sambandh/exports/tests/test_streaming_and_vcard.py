"""A large export streams (the header before any row is read, a bounded number of queries for
5,000 rows, never the whole list in memory), and people come out as vCards that parse back."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sambandh.contacts.models import Person
from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.exports import selectors
from sambandh.exports.tests.conftest import read_csv
from tests.factories import make_organization, make_person

pytestmark = pytest.mark.django_db
ROWS = 5000


def _many_people(owner, count):
    Person.objects.bulk_create(
        [
            Person(owner=owner, full_name=f"Person {i:05d}", email=f"p{i}@example.com")
            for i in range(count)
        ],
        batch_size=1000,
    )


def test_5000_rows_stream_with_a_bounded_number_of_queries(api, owner, outsider, monkeypatch):
    _many_people(owner, ROWS)
    make_person(outsider, full_name="Not Yours")
    client = api(owner)
    fetched = []
    real_batches = selectors.batches

    def spy(plan):
        for batch in real_batches(plan):
            fetched.append(len(batch))
            yield batch

    monkeypatch.setattr(selectors, "batches", spy)

    with CaptureQueriesContext(connection) as before_rows:
        resp = client.get("/api/v1/people/export", {"format": "csv"})
        pieces = iter(resp.streaming_content)
        first = next(pieces)
    # The answer starts before any row is read: the header alone, no batch fetched yet.
    assert first.decode("utf-8-sig").startswith("ID,Name,")
    assert first.count(b"\r\n") == 1
    assert fetched == []
    request_queries = len(before_rows)

    with CaptureQueriesContext(connection) as during:
        second = next(pieces)
        # Rows go out as soon as the first batch is read, not after the whole list.
        assert fetched == [selectors.CHUNK]
        rest = b"".join(pieces)
    lines = (first + second + rest).decode("utf-8-sig").splitlines()
    assert len(lines) == ROWS + 1
    assert "Not Yours" not in rest.decode()
    # One SELECT for the rows (a server-side cursor on PostgreSQL), one for the owners' names
    # per batch, and the audit row with its event: never one per row.
    batches = -(-ROWS // selectors.CHUNK)
    assert fetched == [selectors.CHUNK] * (batches - 1) + [ROWS - selectors.CHUNK * (batches - 1)]
    assert request_queries + len(during) <= 12 + 3 * batches, [q["sql"][:80] for q in during]
    assert values_after(AuditEvent.objects.get(action="export"))["rows"] == ROWS


def test_an_export_stopped_part_way_is_audited_with_the_rows_sent(api, owner, monkeypatch):
    _many_people(owner, 3 * selectors.CHUNK)
    resp = api(owner).get("/api/v1/people/export", {"format": "csv"})
    pieces = iter(resp.streaming_content)
    next(pieces)
    next(pieces)
    # The client went away: the server closes the answer. (The end of a request would close
    # the test's database connection, inside its transaction: not here.)
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    resp.close()
    row = AuditEvent.objects.get(action="export")
    assert values_after(row)["complete"] is False
    assert 0 < values_after(row)["rows"] < 3 * selectors.CHUNK


def test_people_as_vcards_parse_back(api, owner, outsider):
    import vobject

    org = make_organization(owner, name="Kestrel, Analytics; Ltd")
    make_person(
        owner,
        full_name="Asha Rao",
        given_name="Asha",
        family_name="Rao",
        honorific="Dr.",
        job_title="Head of buying",
        email="asha@kestrel.example",
        phone="+91 98765 43210",
        organization_id=org.pk,
        description="Likes commas, semicolons; and a very long note " + "x" * 200,
        tags=["vip"],
        birth_date=datetime.date(1987, 11, 23),
        preferred_language="kn",
        addresses=[
            {
                "street": "12 MG Road",
                "city": "Bengaluru",
                "region": "Karnataka",
                "postal_code": "560001",
                "country": "IN",
            }
        ],
    )
    make_person(owner, full_name="Bina Shah")
    make_person(outsider, full_name="Not Yours")

    resp = api(owner).get("/api/v1/people/export", {"format": "vcf"})
    assert resp["Content-Type"].startswith("text/vcard")
    text = b"".join(resp.streaming_content).decode()

    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded
    cards = list(vobject.readComponents(text))
    assert [c.fn.value for c in cards] == ["Asha Rao", "Bina Shah"]
    asha = cards[0]
    assert asha.version.value == "3.0"
    assert asha.n.value.family == "Rao" and asha.n.value.given == "Asha"
    assert asha.n.value.prefix == "Dr."
    assert asha.org.value == ["Kestrel, Analytics; Ltd"]  # escaped, and read back whole
    assert asha.title.value == "Head of buying"
    assert asha.email.value == "asha@kestrel.example"
    assert asha.tel.value == "+919876543210"
    assert asha.adr.value.city == "Bengaluru" and asha.adr.value.code == "560001"
    assert asha.note.value.startswith("Likes commas, semicolons; and")
    assert asha.note.value.endswith("x" * 200)
    assert asha.categories.value == ["vip"]
    assert asha.bday.value == "1987-11-23" and asha.lang.value == "kn"
    assert "bday" not in cards[1].contents and "lang" not in cards[1].contents
    assert values_after(AuditEvent.objects.get(action="export"))["format"] == "vcf"


def test_a_vcard_leaves_out_hidden_fields(api, admin_user, owner):
    import vobject

    from sambandh.accounts.services_access import field_permission_set

    make_person(
        owner,
        full_name="Asha",
        email="asha@example.com",
        phone="+91 98765 43210",
        birth_date=datetime.date(1987, 11, 23),
    )
    for field in ("phones", "birth_date"):
        field_permission_set(
            actor=admin_user, record_type="person", field=field, hidden_from=["sales_rep"]
        )
    text = b"".join(api(owner).get("/api/v1/people/export", {"format": "vcf"}).streaming_content)
    card = next(vobject.readComponents(text.decode()))
    assert "tel" not in card.contents and card.email.value == "asha@example.com"
    assert "bday" not in card.contents and "1987" not in text.decode()


def test_a_csv_export_of_no_records_is_the_header_alone(api, owner):
    assert read_csv(api(owner).get("/api/v1/people/export", {"format": "csv"})) == []
