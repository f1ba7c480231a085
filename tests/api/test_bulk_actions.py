"""POST /api/v1/<records>/bulk: each action end to end through the API and the worker, who may
change what (and the reasons of what was skipped), selections by ids and by filter, and bad
input refused before any job exists."""

from __future__ import annotations

import pytest

from sambandh.accounts.models import FieldRule, RecordShare
from sambandh.activities.models import Activity
from sambandh.bulk.models import BulkJob
from sambandh.contacts import services as contacts
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import PersonIn
from sambandh.core.models import AuditEvent
from sambandh.customfields.services import custom_field_create
from sambandh.events.models import Event
from sambandh.sales.models import Deal, Lead
from sambandh.search.models import SearchDocument
from tests.api.helpers import MISSING_ID, assert_error
from tests.bulk_jobs import V1, job, jobs_count, outcomes, run_worker, start
from tests.factories import make_activity, make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db

NOT_FOUND = "Not found: it does not exist, or you cannot see it."
NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


def _versions(model, ids):  # noqa: ANN001, ANN202
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "version"))


# --- each action --------------------------------------------------------------------------------
def test_assign_by_ids_changes_each_person_through_its_service(api, owner, teammate):
    # given three of the owner's people
    people = [make_person(owner, full_name=f"Person {i}") for i in range(3)]
    ids = [p.pk for p in people]
    before = _versions(Person, ids)
    client = api(owner)  # (its token is audited: made before counting)
    audits, events = AuditEvent.objects.count(), Event.objects.count()
    # when the owner asks to assign them to the teammate
    job_id = start(client, "people", {"ids": ids, "action": "assign", "owner_id": teammate.pk})
    # then the job waits for the worker, and nothing has changed yet
    assert job(client, job_id)["status"] == "pending"
    assert set(Person.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {owner.pk}
    # when the worker runs
    run_worker()
    # then each is the teammate's, at a new version, with one audit row and one event each
    assert set(Person.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {
        teammate.pk
    }
    assert _versions(Person, ids) == {pk: v + 1 for pk, v in before.items()}
    rows = AuditEvent.objects.order_by("id")[audits:]
    assert [(r.action, r.record_type, r.record_id, r.changes) for r in rows] == [
        ("update", "person", pk, {"owner": [owner.pk, teammate.pk]}) for pk in ids
    ]
    # (and one event for the whole job, which tells the teammate once: sambandh/notifications)
    assert list(Event.objects.order_by("id")[events:].values_list("type", "record_id")) == [
        *(("person.updated", pk) for pk in ids),
        ("person.bulk_assigned", None),
    ]
    # and their search documents are found by the teammate now
    docs = SearchDocument.objects.filter(record_type="person", record_id__in=ids)
    assert set(docs.values_list("owner_id", flat=True)) == {teammate.pk}
    body = job(client, job_id)
    assert {
        k: body[k] for k in ("status", "total", "processed", "changed", "skipped", "failed")
    } == {
        "status": "done",
        "total": 3,
        "processed": 3,
        "changed": 3,
        "skipped": 0,
        "failed": 0,
    }
    assert body["started_at"] and body["finished_at"]
    assert outcomes(client, job_id) == {pk: ("changed", "") for pk in ids}


def test_update_sets_fields_by_the_patch_body_names_one_audit_row_each(api, owner, admin_user):
    # given two organizations and a custom field on them
    custom_field_create(
        actor=admin_user,
        data={"record_type": "organization", "key": "tier", "label": "Tier", "type": "text"},
    )
    orgs = [make_organization(owner, name=f"Org {i}", country="IN") for i in range(2)]
    ids = [o.pk for o in orgs]
    client = api(owner)
    audits = AuditEvent.objects.count()
    # when both get a country (any case, as the PATCH takes it), an industry and a tier
    values = {"country": "br", "industry": "Textiles", "custom": {"tier": "gold"}}
    job_id = start(client, "organizations", {"ids": ids, "action": "update", "values": values})
    run_worker()
    # then each holds them, cleaned by the service, with one audit row each
    assert (
        sorted(Organization.objects.values_list("country", "industry", "custom"))
        == [("BR", "Textiles", {"tier": "gold"})] * 2
    )
    assert AuditEvent.objects.count() == audits + 2
    assert job(client, job_id)["changed"] == 2


def test_tag_adds_to_each_records_tags_and_untag_takes_away(api, owner):
    # given a person tagged "partner" and one tagged "vip" already
    partner = make_person(owner, full_name="Asha", tags=["partner"])
    vip = make_person(owner, full_name="Ravi", tags=["vip"])
    client = api(owner)
    # when both are tagged vip and new
    tag_job = start(
        client, "people", {"ids": [partner.pk, vip.pk], "action": "tag", "tags": ["VIP", "new"]}
    )
    run_worker()
    # then the tags are added to what each had (a tag's case as it is known)
    partner.refresh_from_db()
    vip.refresh_from_db()
    assert sorted(partner.tags.values_list("name", flat=True)) == ["new", "partner", "vip"]
    assert sorted(vip.tags.values_list("name", flat=True)) == ["new", "vip"]
    assert set(partner.tag_names) == {"new", "partner", "vip"}  # as the read lane serves it
    assert job(client, tag_job)["changed"] == 2
    # when vip is taken away from both, and from one that never had it
    plain = make_person(owner, full_name="Zoya")
    untag_job = start(
        client,
        "people",
        {"ids": [partner.pk, vip.pk, plain.pk], "action": "untag", "tags": ["vip"]},
    )
    run_worker()
    # then it is gone, the other tags stay, and the one without it is skipped, saying why
    assert not Person.objects.filter(tags__name="vip").exists()
    assert sorted(partner.tags.values_list("name", flat=True)) == ["new", "partner"]
    assert outcomes(client, untag_job)[plain.pk] == ("skipped", "It has none of these tags.")


def test_deals_and_leads_assign_and_tag_through_their_services(api, owner, teammate, pipeline):
    deal = make_deal(owner, pipeline, name="Big deal")
    lead = make_lead(owner, full_name="Lara Lead")
    client = api(owner)
    start(client, "deals", {"ids": [deal.pk], "action": "tag", "tags": ["q3"]})
    start(client, "leads", {"ids": [lead.pk], "action": "tag", "tags": ["warm"]})
    start(client, "deals", {"ids": [deal.pk], "action": "assign", "owner_id": teammate.pk})
    start(client, "leads", {"ids": [lead.pk], "action": "update", "values": {"source": "Expo"}})
    run_worker()
    deal, lead = Deal.objects.get(pk=deal.pk), Lead.objects.get(pk=lead.pk)
    assert list(deal.tags.values_list("name", flat=True)) == ["q3"]
    assert deal.owner_id == teammate.pk
    assert list(lead.tags.values_list("name", flat=True)) == ["warm"]
    assert lead.source == "Expo"
    assert (deal.version, lead.version) == (3, 3)


def test_activities_assign_sets_the_assignee_and_have_no_tags(api, owner, teammate):
    task = make_activity(owner, "task", subject="Call back")
    client = api(owner)
    job_id = start(
        client, "activities", {"ids": [task.pk], "action": "assign", "owner_id": teammate.pk}
    )
    run_worker()
    task = Activity.objects.get(pk=task.pk)
    assert (task.owner_id, task.assignee_id) == (owner.pk, teammate.pk)
    assert job(client, job_id)["changed"] == 1
    resp = client.post(f"{V1}/activities/bulk", {"ids": [task.pk], "action": "tag", "tags": ["x"]})
    assert_error(resp, 422, "validation_failed", {"action": "Activities have no tags."})


# --- who may change what ------------------------------------------------------------------------
def test_a_reps_bulk_edit_skips_what_they_may_not_change_and_says_why(
    api, owner, teammate, outsider, admin_user
):
    # given the owner's person, the teammate's shared with the owner for reading only, and the
    # outsider's (which the owner cannot see)
    mine = make_person(owner, full_name="Mine")
    shared = make_person(teammate, full_name="Shared")
    RecordShare.objects.create(
        record_type="person", record_id=shared.pk, user=owner, can_edit=False, shared_by=teammate
    )
    hidden = make_person(outsider, full_name="Hidden")
    ids = [mine.pk, shared.pk, hidden.pk, MISSING_ID]
    client = api(owner)
    # when the owner tags all four
    job_id = start(client, "people", {"ids": ids, "action": "tag", "tags": ["vip"]})
    run_worker()
    # then only their own is changed; the others are skipped with the reason
    assert outcomes(client, job_id) == {
        mine.pk: ("changed", ""),
        shared.pk: ("skipped", "You may not change this record."),
        hidden.pk: ("skipped", NOT_FOUND),
        MISSING_ID: ("skipped", NOT_FOUND),
    }
    assert list(Person.objects.filter(tags__name="vip").values_list("pk", flat=True)) == [mine.pk]
    assert job(client, job_id)["skipped"] == 3

    # when an administrator makes tags read-only for sales reps, and the owner tries again
    FieldRule.objects.create(
        record_type="person", field="tags", role="sales_rep", access=FieldRule.Access.READ_ONLY
    )
    before = Person.objects.get(pk=mine.pk).version
    again = start(client, "people", {"ids": [mine.pk], "action": "tag", "tags": ["gold"]})
    run_worker()
    # then the service refuses it (the field rule), and the job says so
    outcome, reason = outcomes(client, again)[mine.pk]
    assert outcome == "skipped"
    assert (
        reason
        == "Your role cannot change some of these fields. tags: You cannot change this field."
    )
    assert Person.objects.get(pk=mine.pk).version == before


def test_a_read_only_user_may_not_start_a_bulk_action(api, readonly, owner):
    person = make_person(owner, full_name="Asha")
    resp = api(readonly).post(
        f"{V1}/people/bulk", {"ids": [person.pk], "action": "tag", "tags": ["vip"]}
    )
    assert_error(resp, 403, "forbidden")
    assert jobs_count() == 0


# --- selections ---------------------------------------------------------------------------------
def test_ids_that_do_not_exist_are_skipped_as_not_found_and_change_nothing(api, owner):
    client = api(owner)
    audits = AuditEvent.objects.count()
    job_id = start(
        client, "people", {"ids": [MISSING_ID, MISSING_ID + 1], "action": "tag", "tags": ["x"]}
    )
    body = job(client, job_id)
    assert (body["total"], body["skipped"], body["processed"]) == (2, 2, 2)
    run_worker()
    assert job(client, job_id)["status"] == "done"
    assert outcomes(client, job_id) == {
        MISSING_ID: ("skipped", NOT_FOUND),
        MISSING_ID + 1: ("skipped", NOT_FOUND),
    }
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"ids": [0]}, {"ids.0": "Input should be greater than or equal to 1"}),
        ({"ids": [2**63]}, {"ids.0": "Input should be less than or equal to 9223372036854775807"}),
        (
            {"ids": ["x"]},
            {"ids.0": NOT_AN_INTEGER},
        ),
        ({"ids": []}, {"ids": "Select at least one record."}),
        ({}, {"ids": "Send the ids of the records, or a filter."}),
        ({"ids": [1], "filter": {}}, {"filter": "Send ids or a filter, not both."}),
        ({"filter": {"bogus": "1"}}, {"filter.bogus": "Unknown filter."}),
        ({"filter": {"limit": 5}}, {"filter.limit": "Unknown filter."}),
        ({"filter": {"custom.nope": "1"}}, {"filter.custom.nope": "Unknown custom field."}),
        (
            {"filter": {"owner_id": "me"}},
            {"filter.owner_id": NOT_AN_INTEGER},
        ),
        ({"filter": {"tag": ["a", "b"]}}, None),
    ],
)
def test_a_bad_selection_is_refused_naming_it_and_starts_nothing(api, owner, body, fields):
    resp = api(owner).post(f"{V1}/people/bulk", {"action": "tag", "tags": ["x"], **body})
    assert_error(resp, 422, "validation_failed", fields)
    assert jobs_count() == 0


def test_a_filter_selects_every_matching_record_the_actor_sees_on_every_page(
    api, owner, outsider, admin_user
):
    # given 60 of the owner's people in India (more than a page), 5 elsewhere, and the
    # outsider's in India; and a custom field set on some of the Indian ones
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    indian = [make_person(owner, full_name=f"In {i:02d}", country="IN") for i in range(60)]
    for p in indian[:7]:
        contacts.person_update(
            actor=owner, person=p, data=PersonIn.build({"custom": {"tier": "gold"}}), version=None
        )
    others = [make_person(owner, full_name=f"Br {i}", country="BR") for i in range(5)]
    theirs = make_person(outsider, full_name="Outsider's", country="IN")
    client = api(owner)
    # when the owner tags everyone in India they see
    job_id = start(client, "people", {"filter": {"country": "in"}, "action": "tag", "tags": ["in"]})
    assert job(client, job_id)["total"] == 60
    run_worker()
    # then the 60 are tagged; nobody else, and never the outsider's
    tagged = set(Person.objects.filter(tags__name="in").values_list("pk", flat=True))
    assert tagged == {p.pk for p in indian}
    assert theirs.pk not in tagged and not tagged & {p.pk for p in others}
    # and a custom field filters as the list does
    gold = start(
        client, "people", {"filter": {"custom.tier": "gold"}, "action": "tag", "tags": ["gold"]}
    )
    assert job(client, gold)["total"] == 7
    # and an empty filter is everything the owner sees
    assert start(client, "people", {"filter": {}, "action": "tag", "tags": ["all"]}) > 0
    assert BulkJob.objects.order_by("-id").first().total == 65


def test_a_filter_on_a_field_hidden_from_the_actor_is_refused(api, owner):
    FieldRule.objects.create(
        record_type="person", field="country", role="sales_rep", access=FieldRule.Access.HIDDEN
    )
    resp = api(owner).post(
        f"{V1}/people/bulk", {"filter": {"country": "IN"}, "action": "tag", "tags": ["x"]}
    )
    assert_error(
        resp, 422, "validation_failed", {"filter.country": "This field is hidden from you."}
    )
    assert jobs_count() == 0


# --- what each action needs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"action": "assign"}, {"owner_id": "Choose who to assign them to."}),
        ({"action": "assign", "owner_id": MISSING_ID}, {"owner_id": "No such user."}),
        ({"action": "assign", "owner_id": 1, "tags": ["x"]}, {"tags": "Not used by this action."}),
        ({"action": "tag"}, {"tags": "Name at least one tag."}),
        ({"action": "tag", "tags": [" "]}, {"tags": "Name at least one tag."}),
        (
            {"action": "tag", "tags": ["x" * 61]},
            {"tags.0": "String should have at most 60 characters"},
        ),
        ({"action": "update"}, {"values": "Send at least one field to change."}),
        ({"action": "update", "values": {"bogus": 1}}, {"values.bogus": "Unknown field."}),
        (
            {"action": "update", "values": {"country": 5}},
            {"values.country": "Input should be a valid string"},
        ),
        (
            {"action": "update", "values": {"emails": []}},
            {"values.emails": "This field cannot be changed in bulk."},
        ),
        (
            {"action": "update", "values": {"birth_date": "1990-01-01"}},
            {"values.birth_date": "This field cannot be changed in bulk."},
        ),
        (
            {"action": "update", "values": {"country": "X1"}},
            {
                "values.country": "“X1” is not a country: write its name or its ISO code "
                "(for example IN or India)."
            },
        ),
        (
            {"action": "update", "values": {"organization_id": MISSING_ID}},
            {"values.organization_id": "No such organization."},
        ),
        ({"action": "export"}, None),
    ],
)
def test_what_an_action_needs_is_checked_before_any_job_exists(api, owner, body, fields):
    person = make_person(owner, full_name="Asha", country="IN")
    client = api(owner)
    audits = AuditEvent.objects.count()
    resp = client.post(f"{V1}/people/bulk", {"ids": [person.pk], **body})
    assert_error(resp, 422, "validation_failed", fields)
    assert jobs_count() == 0
    assert AuditEvent.objects.count() == audits
    assert Person.objects.get(pk=person.pk).country == "IN"


def test_delete_takes_no_parameters(api, owner):
    person = make_person(owner, full_name="Asha")
    resp = api(owner).post(
        f"{V1}/people/bulk", {"ids": [person.pk], "action": "delete", "tags": ["x"]}
    )
    assert_error(resp, 422, "validation_failed", {"tags": "Not used by this action."})
    assert Person.objects.filter(pk=person.pk).exists() and jobs_count() == 0
