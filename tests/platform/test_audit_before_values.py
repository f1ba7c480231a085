"""Every update audit row holds [before, after] for each field it names (docs/audit.md): one
test per service whose rows lacked the value before. (The test settings' AUDIT_REQUIRE_PAIRS
makes every other update in the suite prove its shape.)"""

from __future__ import annotations

import pytest

from sambandh.accounts.services import user_update_preferences
from sambandh.accounts.services_teams import team_add_member, team_create, team_remove_member
from sambandh.attachments.services import attachment_add, attachment_delete
from sambandh.attachments.tests import samples
from sambandh.consents.services import ConsentInput, consent_record
from sambandh.core.audit import LoosePairs, audit_record
from sambandh.core.models import AuditEvent
from sambandh.customfields.services import custom_field_create, custom_field_reorder
from sambandh.privacy.services import request_complete, request_create
from sambandh.sales.services import StageIn, lead_convert, pipeline_update
from tests.factories import make_deal, make_lead, make_organization, make_person

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _last(record_type: str, record_id: int | None = None) -> dict:
    rows = AuditEvent.objects.filter(action="update", record_type=record_type)
    if record_id is not None:
        rows = rows.filter(record_id=record_id)
    return rows.latest("id").changes


def test_an_update_without_a_value_before_is_refused_under_the_test_settings(owner):
    with pytest.raises(LoosePairs):
        audit_record(actor=owner, action="update", record_type="tag", changes={"name": "x"})


def test_tags_replaced_hold_the_tags_before(api, owner, pipeline):
    client = api(owner)
    person = make_person(owner, tags=["vip"])
    org = make_organization(owner, tags=["partner"])
    lead = make_lead(owner, tags=["cold"])
    deal = make_deal(owner, pipeline, tags=["q1"])
    for path, record, kind, before in (
        ("people", person, "person", ["vip"]),
        ("organizations", org, "organization", ["partner"]),
        ("leads", lead, "lead", ["cold"]),
        ("deals", deal, "deal", ["q1"]),
    ):
        body = {"tags": [*before, "renewal"], "version": record.version}
        assert client.patch(f"{V1}/{path}/{record.pk}", body).status_code == 200, path
        assert _last(kind, record.pk)["tags"] == [before, [*before, "renewal"]], path


def test_a_deals_people_and_an_organizations_contact_points_hold_them_before(api, owner, pipeline):
    asha, bina = make_person(owner), make_person(owner)
    deal = make_deal(owner, pipeline, person_ids=[asha.pk])
    client = api(owner)
    body = {"person_ids": [asha.pk, bina.pk], "version": deal.version}
    assert client.patch(f"{V1}/deals/{deal.pk}", body).status_code == 200
    assert _last("deal", deal.pk)["people"] == [[asha.pk], [asha.pk, bina.pk]]
    org = make_organization(owner, emails=[{"email": "a@example.com"}])
    body = {"emails": [], "version": org.version}
    assert client.patch(f"{V1}/organizations/{org.pk}", body).status_code == 200
    assert _last("organization", org.pk)["emails"] == [
        [{"email": "a@example.com", "label": "", "is_primary": True}],
        [],
    ]


def test_a_lead_conversion_holds_its_links_before(owner):
    lead = make_lead(owner, full_name="Asha Rao")
    lead = lead_convert(actor=owner, lead=lead, version=None, create_deal=False)
    changes = _last("lead", lead.pk)
    assert changes["status"] == ["open", "converted"]
    assert changes["person"] == [None, lead.converted_person_id]
    assert changes["deal"] == [None, None]


def test_a_pipelines_stages_and_default_hold_them_before(admin_user, pipeline):
    stages = list(pipeline.stages.order_by("position"))
    kept = [StageIn(id=s.pk, name=s.name, probability=s.probability, kind=s.kind) for s in stages]
    renamed = [*kept[:-1], StageIn(id=stages[-1].pk, name="Signed", probability=100, kind="won")]
    pipeline_update(actor=admin_user, pipeline=pipeline, version=None, stages=renamed)
    before = [s.name for s in stages]
    assert _last("pipeline", pipeline.pk)["stages"] == [before, [*before[:-1], "Signed"]]


def test_a_custom_field_order_holds_the_order_before(admin_user):
    for key in ("tier", "region"):
        custom_field_create(
            actor=admin_user,
            data={"record_type": "person", "key": key, "label": key, "type": "text"},
        )
    custom_field_reorder(actor=admin_user, record_type="person", keys=["region", "tier"])
    assert _last("custom_field")["order"] == [["tier", "region"], ["region", "tier"]]


def test_team_membership_holds_the_members_before(admin_user, owner, teammate):
    team = team_create(actor=admin_user, name="North")
    team_add_member(actor=admin_user, team=team, user=owner)
    team_add_member(actor=admin_user, team=team, user=teammate)
    assert _last("team", team.pk)["members"] == [[owner.pk], sorted([owner.pk, teammate.pk])]
    team_remove_member(actor=admin_user, team=team, user=owner)
    assert _last("team", team.pk)["members"] == [sorted([owner.pk, teammate.pk]), [teammate.pk]]


def test_a_users_own_settings_hold_the_values_before(owner):
    before = owner.time_zone
    user_update_preferences(
        user=owner,
        full_name=owner.full_name,
        language=owner.language or "en",
        time_zone="Asia/Kolkata",
        currency=owner.currency or "USD",
    )
    changes = _last("user", owner.pk)
    assert changes["time_zone"] == [before, "Asia/Kolkata"]
    assert "full_name" not in changes  # unchanged: not named


def test_a_consent_holds_the_purposes_state_before(owner):
    person = make_person(owner, email="asha@example.com")
    data = {"purpose": "newsletter", "channel": "email", "source": "test"}
    first = consent_record(actor=owner, person=person, data=ConsentInput(status="granted", **data))
    consent_record(actor=owner, person=person, data=ConsentInput(status="withdrawn", **data))
    before, after = _last("person", person.pk)["consent"]
    assert (before["id"], before["status"]) == (first.pk, "granted")
    assert after["status"] == "withdrawn"


def test_files_added_and_removed_say_which_side_they_are_on(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # never into the repository
    person = make_person(owner)
    added = attachment_add(
        actor=owner,
        record_type="person",
        record_id=person.pk,
        upload=samples.upload("cv.pdf", samples.PDF),
    )
    assert _last("person", person.pk)["filename"] == [None, "cv.pdf"]
    attachment_delete(actor=owner, attachment=added)
    assert _last("person", person.pk)["filename"] == ["cv.pdf", None]


def test_a_closed_correction_holds_its_status_before(admin_user, owner):
    person = make_person(owner)
    request = request_create(actor=admin_user, type="correction", person_id=person.pk)
    request_complete(actor=admin_user, request=request, notes="Fixed")
    assert _last("privacy_request", request.pk)["status"] == [request.status, "done"]
