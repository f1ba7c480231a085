"""Merging people and organizations, and undoing it: every link moves, and comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sambandh.accounts.models import RecordShare
from sambandh.accounts.services_access import field_permission_set
from sambandh.activities.models import Activity
from sambandh.attachments.models import Attachment
from sambandh.consents.models import Consent
from sambandh.contacts.models import Affiliation, EmailAddress, Merge, Organization, Person
from sambandh.contacts.services.merge import organization_merge, person_merge
from sambandh.contacts.services.merge_undo import merge_undo
from sambandh.contacts.tests.merge_world import person_world, snapshot
from sambandh.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sambandh.core.models import AuditEvent
from sambandh.dedupe.models import DuplicatePair
from sambandh.recyclebin.models import BinEntry
from sambandh.sales.models import Deal
from sambandh.search.models import SearchDocument
from tests.factories import make_deal, make_organization, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _kept_ignore() -> dict[str, set[str]]:
    return {"contacts.person": {"version", "updated_at"}}


def test_a_merge_moves_every_link_and_its_undo_restores_every_row(
    owner, teammate, pipeline, admin_user
):
    # given two people with one of every link each
    w = person_world(owner, teammate, pipeline)
    kept, dup = w["kept"], w["dup"]
    before = snapshot(ignore=_kept_ignore())

    # when the duplicate is merged into the kept person, its job title chosen
    merge = person_merge(actor=owner, keep=kept, merge=[dup], fields={"job_title": dup.pk})

    # then every link is on the kept person and the duplicate is in the recycle bin
    assert not Person.objects.filter(pk=dup.pk).exists()
    kept.refresh_from_db()
    assert kept.job_title == "Head of Buying"  # chosen
    assert kept.country == "IN"  # empty on the kept one: the first non-empty value
    assert kept.full_name == "Asha Rao"  # the kept one's value
    assert kept.custom == {"tier": "gold"}
    assert Activity.objects.filter(person=kept).count() == 4
    assert Deal.people.through.objects.filter(person=kept).count() == 2
    assert Consent.objects.filter(person=kept).count() == 2
    assert Attachment.objects.filter(record_type="person", record_id=kept.pk).count() == 2
    # one share with the teammate, not two
    assert RecordShare.objects.filter(record_type="person", record_id=kept.pk).count() == 1
    assert not RecordShare.objects.filter(record_type="person", record_id=dup.pk).exists()
    assert sorted(kept.tags.values_list("name", flat=True)) == ["buyer", "loom", "vip"]
    assert kept.tag_names == ["buyer", "loom", "vip"]
    assert sorted(EmailAddress.objects.filter(person=kept).values_list("email", flat=True)) == [
        "asha.rao@work.example",
        "asha@example.com",
    ]
    assert kept.email == "asha@example.com"
    assert EmailAddress.objects.filter(person=kept, is_primary=True).count() == 1
    assert [e["email"] for e in kept.contact_card["emails"]][0] == "asha@example.com"
    assert kept.addresses.get().city == "Surat"
    # one current affiliation with Acme (not two), and the adviser one moved
    titles = sorted(Affiliation.objects.filter(person=kept).values_list("title", flat=True))
    assert titles == ["", "Adviser"]
    assert BinEntry.objects.get(record_type="person", record_id=dup.pk).summary == (
        f"A. Rao → #{kept.pk}"
    )
    assert DuplicatePair.objects.get(pk=w["pair"].pk).status == "merged"
    assert not SearchDocument.objects.filter(record_type="person", record_id=dup.pk).exists()
    rows = AuditEvent.objects.filter(action="merge").order_by("pk")
    assert [(r.record_type, r.record_id) for r in rows] == [
        ("person", dup.pk),
        ("person", kept.pk),
    ]
    kept_row = rows[1]
    assert kept_row.changes["merged"] == [None, [dup.pk]]
    assert kept_row.changes["fields"] == [None, {"job_title": dup.pk}]
    assert kept_row.changes["job_title"] == ["", "Head of Buying"]
    assert merge.record_type == "person" and merge.merged_ids == [dup.pk]

    # when it is undone
    merge_undo(actor=owner, merge=merge)

    # then every row is as it was, to the last column
    after = snapshot(ignore=_kept_ignore())
    for label in before:
        assert after[label] == before[label], label
    assert Merge.objects.get(pk=merge.pk).undone_at is not None
    unmerged = AuditEvent.objects.filter(action="unmerge").order_by("pk")
    assert [(r.record_type, r.record_id) for r in unmerged] == [
        ("person", kept.pk),
        ("person", dup.pk),
    ]
    assert SearchDocument.objects.filter(record_type="person", record_id=dup.pk).exists()


def test_undo_is_refused_after_the_kept_record_changed_and_when_done_twice(owner):
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services import person_update

    kept, dup = make_person(owner, full_name="Ravi"), make_person(owner, full_name="Ravi K")
    merge = person_merge(actor=owner, keep=kept, merge=[dup])
    person_update(actor=owner, person=kept, data=PersonIn.build({"job_title": "CTO"}), version=None)
    with pytest.raises(Conflict) as err:
        merge_undo(actor=owner, merge=merge)
    assert err.value.code == "changed_since"
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert Merge.objects.get(pk=merge.pk).undone_at is None

    kept2, dup2 = make_person(owner, full_name="Mina"), make_person(owner, full_name="Mina R")
    merge2 = person_merge(actor=owner, keep=kept2, merge=[dup2])
    merge_undo(actor=owner, merge=merge2)
    with pytest.raises(Conflict) as err:
        merge_undo(actor=owner, merge=merge2)
    assert err.value.code == "already_undone"


def test_access_refusals_change_nothing(owner, teammate, outsider, readonly):
    kept, dup = make_person(owner, full_name="Ravi"), make_person(owner, full_name="Ravi K")
    theirs = make_person(outsider, full_name="Ravi Kumar")
    audit = AuditEvent.objects.count()
    with pytest.raises(NotFound):  # a record the actor cannot see
        person_merge(actor=owner, keep=kept, merge=[theirs])
    with pytest.raises(NotFound):
        person_merge(actor=outsider, keep=theirs, merge=[dup])
    with pytest.raises(Forbidden):  # read-only
        person_merge(actor=readonly, keep=kept, merge=[dup])
    assert Person.objects.count() == 3 and AuditEvent.objects.count() == audit
    assert not Merge.objects.exists()


def test_a_hidden_field_cannot_be_chosen(owner, admin_user):
    field_permission_set(
        actor=admin_user,
        record_type="person",
        field="job_title",
        hidden_from=["sales_rep"],
    )
    kept = make_person(owner, full_name="Ravi")
    dup = make_person(admin_user, full_name="Ravi K", owner_id=owner.pk, job_title="CTO")
    with pytest.raises(Forbidden) as err:
        person_merge(actor=owner, keep=kept, merge=[dup], fields={"job_title": dup.pk})
    assert set(err.value.fields) == {"job_title"}
    # and the default rule never fills it from another record either
    person_merge(actor=owner, keep=kept, merge=[dup])
    kept.refresh_from_db()
    assert kept.job_title == ""


@pytest.mark.parametrize(
    ("fields", "merge_ids", "error", "field"),
    [
        ({"nickname": "DUP"}, None, ValidationFailed, "nickname"),
        ({"job_title": 999999}, None, ValidationFailed, "job_title"),
        ({}, "KEPT", ValidationFailed, "merge_ids"),
        ({}, [], ValidationFailed, "merge_ids"),
        ({}, list(range(1, 11)), ValidationFailed, "merge_ids"),
    ],
)
def test_bad_requests_change_nothing(owner, fields, merge_ids, error, field):
    kept, dup = make_person(owner, full_name="Ravi"), make_person(owner, full_name="Ravi K")
    fields = {k: dup.pk if v == "DUP" else v for k, v in fields.items()}
    ids = [dup.pk] if merge_ids is None else [kept.pk] if merge_ids == "KEPT" else merge_ids
    audit = AuditEvent.objects.count()
    with pytest.raises(error) as err:
        person_merge(actor=owner, keep=kept, merge=ids, fields=fields)
    assert field in err.value.fields
    assert Person.objects.count() == 2 and AuditEvent.objects.count() == audit


def test_an_organization_merge_moves_people_deals_and_children(owner, pipeline):
    kept = make_organization(owner, name="Acme")
    dup = make_organization(owner, name="ACME Ltd", domain="acme.example")
    child = make_organization(owner, name="Acme Gujarat", parent_id=dup.pk)
    person = make_person(owner, full_name="Ravi", organization_id=dup.pk)
    deal = make_deal(owner, pipeline, organization_id=dup.pk)
    before = snapshot(ignore={"contacts.organization": {"version", "updated_at"}})

    merge = organization_merge(actor=owner, keep=kept, merge=[dup], fields={"name": dup.pk})

    kept.refresh_from_db()
    assert (kept.name, kept.domain) == ("ACME Ltd", "acme.example")
    assert Person.objects.get(pk=person.pk).organization_id == kept.pk
    assert Deal.objects.get(pk=deal.pk).organization_id == kept.pk
    assert Organization.objects.get(pk=child.pk).parent_id == kept.pk
    assert Affiliation.objects.filter(person=person, organization=kept).exists()
    doc = SearchDocument.objects.get(record_type="person", record_id=person.pk)
    assert "acme" in doc.terms.split()

    merge_undo(actor=owner, merge=merge)
    after = snapshot(ignore={"contacts.organization": {"version", "updated_at"}})
    for label in before:
        assert after[label] == before[label], label


def test_a_parent_pointing_at_the_merged_record_is_cleared(owner):
    dup = make_organization(owner, name="Holding")
    kept = make_organization(owner, name="Holding Sub", parent_id=dup.pk)
    merge = organization_merge(actor=owner, keep=kept, merge=[dup])
    kept.refresh_from_db()
    assert kept.parent_id is None
    merge_undo(actor=owner, merge=merge)
    kept.refresh_from_db()
    assert kept.parent_id == dup.pk
