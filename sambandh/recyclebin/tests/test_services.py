"""The recycle bin's services on a real database: what a delete puts in the bin, what a restore
puts back (rows, links, search documents), what it cannot, who may, and the purge."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sambandh.activities.models import Activity
from sambandh.activities.services import activity_delete
from sambandh.contacts.models import EmailAddress, Person, Tag
from sambandh.contacts.services import organization_delete, person_delete
from sambandh.core.errors import Conflict, NotFound
from sambandh.core.models import AuditEvent
from sambandh.events.models import Event
from sambandh.recyclebin.models import BinEntry
from sambandh.recyclebin.services import Purged, bin_restore, bins_purge
from sambandh.sales.models import Deal
from sambandh.sales.services import deal_delete
from sambandh.search.models import SearchDocument
from tests import factories

pytestmark = pytest.mark.django_db


def _custom_field(admin):
    from sambandh.customfields.services import custom_field_create

    return custom_field_create(
        actor=admin,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )


@pytest.fixture
def world(owner, admin_user, pipeline):
    """A person with an email, tags, a custom value, a deal they are on, and activities: one on
    them alone, one on them and the deal."""
    _custom_field(admin_user)
    org = factories.make_organization(owner, name="Kestrel Analytics")
    person = factories.make_person(
        owner,
        full_name="Asha Rao",
        email="asha@kestrel.example",
        organization_id=org.pk,
        tags=["vip", "renewal"],
        custom={"tier": "gold"},
    )
    deal = factories.make_deal(owner, pipeline, name="Loom order", person_ids=[person.pk])
    alone = factories.make_activity(owner, "note", body="Met at the fair", person_id=person.pk)
    shared = factories.make_activity(
        owner, "call", subject="Pricing call", person_id=person.pk, deal_id=deal.pk
    )
    return {"org": org, "person": person, "deal": deal, "alone": alone, "shared": shared}


def _delete_person(actor, person):
    person_delete(actor=actor, person=Person.objects.get(pk=person.pk))
    return BinEntry.objects.get(record_type="person", record_id=person.pk)


def test_deleting_a_person_puts_them_and_what_went_with_them_in_the_bin(world, owner):
    # given a person with activities, tags, an email and a deal link
    person, deal = world["person"], world["deal"]
    # when they are deleted
    entry = _delete_person(owner, person)
    # then the rows are gone everywhere, and the bin holds them
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Activity.objects.filter(pk__in=[world["alone"].pk, world["shared"].pk]).exists()
    assert list(Deal.objects.get(pk=deal.pk).people.all()) == []
    assert not SearchDocument.objects.filter(record_type="person", record_id=person.pk).exists()
    assert entry.owner_id == owner.pk
    assert entry.deleted_by_id == owner.pk
    assert entry.summary == "Asha Rao"
    assert entry.counts["activities.activity"] == 2
    assert entry.counts["contacts.emailaddress"] == 1
    assert entry.counts["contacts.person_tags"] == 2
    assert entry.counts["sales.deal_people"] == 1


def test_restore_puts_back_the_person_with_every_link(world, owner):
    # given a deleted person
    person, deal, org = world["person"], world["deal"], world["org"]
    before = Person.objects.get(pk=person.pk)
    entry = _delete_person(owner, person)
    # when their owner restores them
    done = bin_restore(actor=owner, entry_id=entry.pk)
    # then everything is back, with the same ids and values
    again = Person.objects.get(pk=person.pk)
    assert done.record_type == "person" and done.record_id == person.pk
    assert done.dropped == []
    assert again.full_name == "Asha Rao"
    assert again.version == before.version
    assert again.updated_at == before.updated_at
    assert again.organization_id == org.pk
    assert again.custom == {"tier": "gold"}
    assert sorted(t.name for t in again.tags.all()) == ["renewal", "vip"]
    assert [e.email for e in EmailAddress.objects.filter(person=again)] == ["asha@kestrel.example"]
    assert list(Deal.objects.get(pk=deal.pk).people.values_list("pk", flat=True)) == [person.pk]
    shared = Activity.objects.get(pk=world["shared"].pk)
    assert (shared.person_id, shared.deal_id) == (person.pk, deal.pk)
    assert Activity.objects.filter(pk=world["alone"].pk, person_id=person.pk).exists()
    assert SearchDocument.objects.filter(record_type="person", record_id=person.pk).exists()
    # and the entry is marked restored, with an audit row and an event
    entry.refresh_from_db()
    assert entry.restored_at is not None and entry.snapshot is None
    assert AuditEvent.objects.filter(action="restore", record_type="person", record_id=person.pk)
    assert Event.objects.filter(type="person.restored", record_id=person.pk).count() == 1


def test_a_second_restore_is_a_conflict_and_changes_nothing(world, owner):
    entry = _delete_person(owner, world["person"])
    bin_restore(actor=owner, entry_id=entry.pk)
    with pytest.raises(Conflict, match="already restored"):
        bin_restore(actor=owner, entry_id=entry.pk)
    assert Person.objects.filter(pk=world["person"].pk).count() == 1


def test_an_organization_restored_gets_its_people_back(owner):
    # given an organization whose people lose their link when it is deleted
    org = factories.make_organization(owner, name="Heron Mills")
    people = [factories.make_person(owner, organization_id=org.pk) for _ in range(2)]
    organization_delete(actor=owner, organization=org)
    assert set(
        Person.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "organization_id", flat=True
        )
    ) == {None}
    entry = BinEntry.objects.get(record_type="organization", record_id=org.pk)
    assert entry.counts["links"] == 2
    # when it is restored
    bin_restore(actor=owner, entry_id=entry.pk)
    # then the people are at it again
    assert set(
        Person.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "organization_id", flat=True
        )
    ) == {org.pk}


def test_a_link_to_a_record_deleted_meanwhile_is_dropped_and_reported(world, owner):
    # given a person deleted, then the deal their call was also on
    person, deal = world["person"], world["deal"]
    entry = _delete_person(owner, person)
    deal_delete(actor=owner, deal=Deal.objects.get(pk=deal.pk))
    # when the person is restored
    done = bin_restore(actor=owner, entry_id=entry.pk)
    # then the call is back on the person, without the deal, and the bin says so
    shared = Activity.objects.get(pk=world["shared"].pk)
    assert (shared.person_id, shared.deal_id) == (person.pk, None)
    dropped = {(d.model, d.field, d.target_id, d.row_skipped) for d in done.dropped}
    assert ("activities.activity", "deal", deal.pk, False) in dropped
    assert ("sales.deal_people", "deal", deal.pk, True) in dropped
    assert Person.objects.get(pk=person.pk).deals.count() == 0


def test_an_activity_deleted_alone_comes_back_on_its_records(world, owner):
    activity_delete(actor=owner, activity=Activity.objects.get(pk=world["shared"].pk))
    entry = BinEntry.objects.get(record_type="activity", record_id=world["shared"].pk)
    bin_restore(actor=owner, entry_id=entry.pk)
    again = Activity.objects.get(pk=world["shared"].pk)
    assert (again.person_id, again.deal_id) == (world["person"].pk, world["deal"].pk)


def test_another_rep_may_not_restore_and_nothing_changes(world, owner, teammate):
    entry = _delete_person(owner, world["person"])
    with pytest.raises(NotFound):
        bin_restore(actor=teammate, entry_id=entry.pk)
    assert not Person.objects.filter(pk=world["person"].pk).exists()
    entry.refresh_from_db()
    assert entry.in_bin


def test_an_admin_may_restore_anyones(world, owner, admin_user):
    entry = _delete_person(owner, world["person"])
    bin_restore(actor=admin_user, entry_id=entry.pk)
    assert Person.objects.filter(pk=world["person"].pk).exists()


def test_purge_takes_what_is_older_than_the_setting_and_restore_then_is_gone(world, owner):
    # given two entries, one deleted 31 days ago
    old = _delete_person(owner, world["person"])
    BinEntry.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    fresh = _delete_person(owner, factories.make_person(owner, full_name="Fresh"))
    # when the purge runs
    assert bins_purge() == 1
    # then the old one is purged (an event says so) and the fresh one stays
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.purged_at is not None and old.snapshot is None
    assert fresh.in_bin and fresh.snapshot
    event = Event.objects.get(type="person.purged", record_id=world["person"].pk)
    assert ["contacts.person", world["person"].pk] in event.data["rows"]
    # and restoring it says when it was purged, restoring nothing
    with pytest.raises(Purged, match="was purged from the recycle bin on"):
        bin_restore(actor=owner, entry_id=old.pk)
    assert not Person.objects.filter(pk=world["person"].pk).exists()


def test_the_scheduled_job_purges(world, owner):
    from sambandh.events.jobs import JobContext, job_named

    entry = _delete_person(owner, world["person"])
    later = timezone.now() + datetime.timedelta(days=30, hours=1)
    job = job_named("recyclebin.purge")
    assert job is not None
    assert job.func(JobContext(slot=later, now=later)) == "1 purged"
    entry.refresh_from_db()
    assert entry.purged_at == later


def test_a_conflict_restores_nothing(world, owner):
    # given a deleted person one of whose activities' ids was taken since
    person = world["person"]
    entry = _delete_person(owner, person)
    Activity.objects.create(pk=world["alone"].pk, kind="note", body="Squatter", owner=owner)
    # when restored
    with pytest.raises(Conflict, match="Nothing was restored"):
        bin_restore(actor=owner, entry_id=entry.pk)
    # then nothing of it came back
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Activity.objects.get(pk=world["alone"].pk).body == "Squatter"
    assert not Activity.objects.filter(pk=world["shared"].pk).exists()
    entry.refresh_from_db()
    assert entry.in_bin


def test_a_record_back_under_its_id_is_a_conflict(world, owner):
    person = world["person"]
    entry = _delete_person(owner, person)
    Person.objects.create(pk=person.pk, full_name="Squatter", owner=owner)
    with pytest.raises(Conflict, match="exists again"):
        bin_restore(actor=owner, entry_id=entry.pk)
    assert Person.objects.get(pk=person.pk).full_name == "Squatter"
    assert Tag.objects.filter(name="vip").exists()
