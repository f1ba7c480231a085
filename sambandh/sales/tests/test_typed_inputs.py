"""One typed input per write, shared by the API and the web forms: the deal form and the activity
composer build the same input the API builds from the equivalent JSON body, leave out what they
do not send, and show a shape error of the input on their own fields."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.selectors import user_list
from sambandh.accounts.services_access import field_permission_set
from sambandh.activities import services as activities
from sambandh.activities.forms import ActivityEditForm, ComposerForm
from sambandh.activities.schemas import ActivityIn
from sambandh.core.errors import ValidationFailed
from sambandh.core.inputs import NOT_SENT
from sambandh.sales import selectors
from sambandh.sales import services as sales
from sambandh.sales.forms import DealForm
from sambandh.sales.models import Deal
from sambandh.sales.schemas import DealFields, DealIn
from tests.factories import make_activity, make_deal, make_organization, make_person

pytestmark = pytest.mark.django_db


def spy(monkeypatch: Any, module: Any, name: str) -> list[Any]:
    """The inputs the service ``module.name`` is called with (it still runs)."""
    seen: list[Any] = []
    real = getattr(module, name)

    def call(**kwargs: Any) -> Any:
        seen.append(kwargs["data"])
        return real(**kwargs)

    monkeypatch.setattr(module, name, call)
    return seen


def deal_form(user: Any, data: dict[str, Any], instance: Any = None) -> DealForm:
    """The deal form as the deal pages build it for ``user``."""
    return DealForm(
        data,
        viewer=user,
        users=list(user_list(viewer=user)),
        pipelines=selectors.pipeline_list(),
        instance=instance,
        access=policy.field_access(user, "deal"),
    )


@pytest.fixture
def posted(owner, pipeline):
    """What the new-deal page posts, and the organization and person it names."""
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    proposal = pipeline.stages.get(name="Proposal")
    data = {
        "name": "Kestrel renewal",
        "pipeline": str(pipeline.pk),
        "stage": str(proposal.pk),
        "amount": "1,234.50",
        "currency": "INR",
        "expected_close_date": "2026-03-31",
        "probability": "",
        "organization": f"Kestrel Analytics (#{org.pk})",
        "person_0": f"Asha Rao (#{person.pk})",
        "person_1": "",
        "source": "Referral",
        "description": "Wants 300 looms.",
        "owner": str(owner.pk),
        "tags": "vip, renewal",
    }
    body = {
        "name": "Kestrel renewal",
        "pipeline_id": pipeline.pk,
        "stage_id": proposal.pk,
        "amount": "1234.50",
        "currency": "INR",
        "expected_close_date": "2026-03-31",
        "organization_id": org.pk,
        "person_ids": [person.pk],
        "source": "Referral",
        "description": "Wants 300 looms.",
        "owner_id": owner.pk,
        "tags": ["vip", "renewal"],
    }
    return data, body


def test_the_deal_form_builds_the_input_the_api_builds_from_json(owner, posted, api, monkeypatch):
    data, body = posted
    # given the deal form, filled in the viewer's way ("1,234.50")
    form = deal_form(owner, data)
    assert form.is_valid(), form.errors
    # when it builds its input, and the API receives the same deal as JSON
    from_form = form.to_service()
    seen = spy(monkeypatch, sales, "deal_create")
    resp = api(owner).post("/api/v1/deals", body)
    # then both are the same DealIn, field for field
    assert resp.status_code == 201
    [from_api] = seen
    assert type(from_form) is type(from_api) is DealIn
    assert from_form.model_dump() == from_api.model_dump()
    assert from_api.model_dump()["expected_close_date"] == date(2026, 3, 31)


def test_the_edit_form_names_no_pipeline_and_builds_the_update_input(owner, pipeline):
    # given a deal, and its edit form posted unchanged but for the name
    deal = make_deal(owner, pipeline, name="Old name")
    form = deal_form(
        owner,
        {
            "name": "New name",
            "pipeline": str(deal.pipeline_id),
            "stage": str(deal.stage_id),
            "amount": "1000",
            "currency": "INR",
            "owner": str(owner.pk),
            "version": "1",
        },
        instance=deal,
    )
    assert form.is_valid(), form.errors
    # when it builds its input
    inp = form.to_service()
    # then it is deal_update's input: the stage names the pipeline
    assert type(inp) is DealFields
    assert (inp.name, inp.stage_id, inp.amount) == ("New name", deal.stage_id, "1000")
    # and writing it changes the deal
    sales.deal_update(actor=owner, deal=deal, data=inp, version=1)
    assert Deal.objects.get(pk=deal.pk).name == "New name"


@pytest.mark.parametrize(
    ("hidden", "read_only"), [(["sales_rep"], []), ([], ["sales_rep"])], ids=["hidden", "read_only"]
)
def test_a_field_the_form_does_not_send_is_not_sent(admin_user, owner, posted, hidden, read_only):
    # given the amount is hidden from (or read-only for) the owner's role
    field_permission_set(
        actor=admin_user,
        record_type="deal",
        field="amount",
        hidden_from=hidden,
        read_only_for=read_only,
    )
    data, _body = posted
    viewer = User.objects.get(pk=owner.pk)  # the next request's (field rules are read once)
    # when the form is posted with an amount anyway
    form = deal_form(viewer, {**data, "amount": "999999"})
    assert form.is_valid(), form.errors
    inp = form.to_service()
    # then its input did not send the amount, and sent the rest
    assert inp.amount is NOT_SENT
    assert not inp.sent("amount")
    assert "amount" not in inp.model_dump()
    assert (inp.name, inp.currency, inp.tags) == ("Kestrel renewal", "INR", ["vip", "renewal"])


def test_a_shape_error_of_the_input_shows_on_the_forms_field(owner, posted, browser_for):
    data, _body = posted
    # when the new-deal page is posted with a tag longer than a tag may be (the form's own
    # tags field takes the whole comma-separated text)
    resp = browser_for(owner).post(
        reverse("sales:deal_create"), {**data, "tags": "vip, " + "x" * 61}
    )
    # then the page answers with the message on the tags field, and no deal is written
    assert resp.status_code == 200
    assert resp.context["form"].errors["tags"] == ["String should have at most 60 characters"]
    assert Deal.objects.count() == 0


def test_deal_input_refuses_a_shape_error_naming_the_field():
    # a typed input is checked as the API checks a body, whoever builds it
    with pytest.raises(ValidationFailed) as err:
        DealIn.build({"name": "x", "probability": 101, "person_ids": [0], "colour": "red"})
    assert set(err.value.fields) == {"probability", "person_ids.0", "colour"}
    assert err.value.fields["colour"] == "Unknown field."


# --- the activity composer ------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["call", "task"])
def test_the_composer_builds_the_input_the_api_builds_from_json(
    owner, teammate, api, monkeypatch, kind
):
    person = make_person(owner, full_name="Asha Rao")
    with timezone.override("Asia/Kolkata"):
        when = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.get_current_timezone())
        data: dict[str, Any] = {
            "kind": kind,
            "record_type": "person",
            "record_id": str(person.pk),
            "subject": "Pricing",
            "body": "Asked for the annual plan.",
        }
        body: dict[str, Any] = {
            "kind": kind,
            "person_id": person.pk,
            "subject": "Pricing",
            "body": "Asked for the annual plan.",
        }
        if kind == "call":
            data.update(
                occurred_at="2026-03-01T10:00", duration_minutes="30", direction="in", outcome="Won"
            )
            body.update(
                occurred_at="2026-03-01T10:00:00+05:30",
                duration_seconds=1800,
                direction="in",
                outcome="Won",
            )
        else:
            data.update(due_at="2026-03-01T10:00", assignee=str(teammate.pk))
            body.update(due_at="2026-03-01T10:00:00+05:30", assignee_id=teammate.pk)
        # given the composer, filled in (a time in the viewer's zone)
        form = ComposerForm(data, viewer=owner, users=list(user_list(viewer=owner)))
        assert form.is_valid(), form.errors
        # when it builds its input, and the API receives the same activity as JSON
        from_form = form.to_service()
    seen = spy(monkeypatch, activities, "activity_create")
    resp = api(owner).post("/api/v1/activities", body)
    # then both are the same ActivityIn
    assert resp.status_code == 201, resp.json()
    [from_api] = seen
    assert type(from_form) is type(from_api) is ActivityIn
    assert from_form.model_dump() == from_api.model_dump()
    assert from_api.model_dump()["occurred_at" if kind == "call" else "due_at"] == when
    # and a field the composer does not show for the kind is not sent
    assert from_form.ends_at is NOT_SENT and not from_form.sent("custom")


def test_the_activity_edit_form_leaves_out_the_kind_and_an_empty_assignee(owner, teammate):
    # given a task assigned to the teammate
    due = timezone.now() + timedelta(days=1)
    task = make_activity(owner, "task", subject="Call back", assignee=teammate, due_at=due)
    # when its edit form is posted with the assignee left empty
    form = ActivityEditForm(
        {"kind": "task", "subject": "Call back soon", "assignee": "", "version": "1"},
        viewer=owner,
        users=list(user_list(viewer=owner)),
        instance=task,
    )
    assert form.is_valid(), form.errors
    inp = form.to_service()
    # then the update's input sends neither the kind nor an assignee
    assert "kind" not in inp.model_dump() and inp.assignee_id is NOT_SENT
    # and the task keeps its assignee
    saved = activities.activity_update(actor=owner, activity=task, data=inp, version=1)
    assert (saved.subject, saved.assignee_id) == ("Call back soon", teammate.pk)
