"""The ledger is append-only: a stored row cannot be saved, updated or deleted through the
model; every write appends a row with an audit row and an event; the current state is the
latest row; the privacy helper's export and erasure."""

from __future__ import annotations

import pytest

from sambandh.consents import selectors, services
from sambandh.consents.models import AppendOnly, Consent
from sambandh.consents.tests.helpers import record
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(owner):
    return make_person(owner, full_name="Asha Rao", email="asha@example.com")


def test_a_stored_row_cannot_be_changed_or_deleted(owner, person):
    # given a recorded grant
    row = record(owner, person, "newsletter", "granted", proof_text="Yes please")
    # when anything tries to change or delete it, it is refused
    row.status = "withdrawn"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        Consent.objects.filter(pk=row.pk).update(status="withdrawn")
    with pytest.raises(AppendOnly):
        Consent.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnly):
        row.delete()
    # a new object given the stored row's id is an insert, which fails, never an overwrite
    clone = Consent(
        pk=row.pk,
        person=person,
        purpose="newsletter",
        channel="email",
        status="withdrawn",
        lawful_basis="consent",
        source="x",
    )
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, whichever the database
        from django.db import transaction

        with transaction.atomic():
            clone.save()
    # then the row is as it was
    assert Consent.objects.get(pk=row.pk).status == "granted"


def test_every_write_appends_and_the_latest_row_is_the_state(owner, person):
    audit_before = AuditEvent.objects.count()
    first = record(owner, person, "newsletter", "granted")
    second = record(owner, person, "newsletter", "withdrawn")
    record(owner, person, "sms", "granted", lawful_basis="contract")
    # three rows, none changed
    assert Consent.objects.filter(person=person).count() == 3
    assert Consent.objects.get(pk=first.pk).status == "granted"
    # one audit row and one event per write, on the person
    audits = AuditEvent.objects.order_by("id")[audit_before:]
    assert [(a.record_type, a.record_id) for a in audits] == [("person", person.pk)] * 3
    assert list(
        Event.objects.filter(type__startswith="consent.")
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["consent.granted", "consent.withdrawn", "consent.granted"]
    # the state: the latest row per purpose and channel; the history, newest first
    state = selectors.consent_state(viewer=owner, person_id=person.pk)
    assert [(r.purpose, r.channel, r.status) for r in state.current] == [
        ("newsletter", "email", "withdrawn"),
        ("sms", "sms", "granted"),
    ]
    assert [r.pk for r in state.history][1] == second.pk
    assert len(state.history) == 3


def test_export_and_erasure_keep_the_fact_of_a_withdrawal(owner, admin_user, person):
    record(
        owner,
        person,
        "newsletter",
        "granted",
        proof_text="Tick: newsletter",
        proof_ip="203.0.113.9",
    )
    record(owner, person, "newsletter", "withdrawn", proof_text="Unsubscribe")
    exported = selectors.consents_for_export(person)
    assert [(r["status"], r["proof"]["ip"], r["proof"]["text"]) for r in exported] == [
        ("granted", "203.0.113.9", "Tick: newsletter"),
        ("withdrawn", None, "Unsubscribe"),
    ]
    assert exported[0]["erased"] is False
    # when the person's data is erased
    assert services.erase_for_person(person, admin_user) == 2
    # then the proof is gone (a digest stands in), the rows and the withdrawal stay
    rows = list(Consent.objects.filter(person=person).order_by("id"))
    assert [(r.status, r.proof_ip, r.proof_text) for r in rows] == [
        ("granted", None, ""),
        ("withdrawn", None, ""),
    ]
    assert all(len(r.proof_digest) == 64 and r.erased_at for r in rows)
    assert not selectors.may_contact(person, "newsletter", "email").allowed
    assert AuditEvent.objects.filter(record_id=person.pk, changes__consents_erased=[0, 2]).exists()
    # a second erasure has nothing left to do
    assert services.erase_for_person(person, admin_user) == 0


def test_a_deleted_person_takes_their_ledger_to_the_recycle_bin_and_back(owner, person):
    from sambandh.contacts.services import person_delete
    from sambandh.recyclebin.models import BinEntry
    from sambandh.recyclebin.services import bin_restore

    pending = record(owner, person, "newsletter", "pending")
    confirmed = Consent(
        person=person,
        purpose="newsletter",
        channel="email",
        status="granted",
        lawful_basis="consent",
        source="double opt-in link",
        confirms=pending,
    )
    confirmed.save()
    before = list(Consent.objects.order_by("id").values())
    person.refresh_from_db()
    person_delete(actor=owner, person=person, version=person.version)
    assert Consent.objects.count() == 0
    entry = BinEntry.objects.get(record_type="person", record_id=person.pk)
    bin_restore(actor=owner, entry_id=entry.pk)
    assert list(Consent.objects.order_by("id").values()) == before
