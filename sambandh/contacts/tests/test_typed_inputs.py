"""One typed input per write, shared by the API and the web form: the person form builds the same
PersonIn the API builds from the equivalent JSON body, and leaves out what it does not send."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.accounts import policy
from sambandh.accounts.models import User
from sambandh.accounts.selectors import user_list
from sambandh.accounts.services_access import field_permission_set
from sambandh.contacts import services
from sambandh.contacts.forms import PersonForm
from sambandh.contacts.schemas import PersonIn
from sambandh.core.inputs import NOT_SENT
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def person_form(user: Any, data: dict[str, Any]) -> PersonForm:
    """The person form as the new-person page builds it for ``user``."""
    return PersonForm(
        data,
        viewer=user,
        users=list(user_list(viewer=user)),
        access=policy.field_access(user, "person"),
    )


@pytest.fixture
def posted(owner):
    """What the new-person page posts, and the same person as the API's JSON body."""
    org = make_organization(owner, name="Kestrel Analytics")
    data = {
        "given_name": "Asha",
        "family_name": "Rao",
        "full_name": "",
        "job_title": "CTO",
        "organization": f"Kestrel Analytics (#{org.pk})",
        "owner": str(owner.pk),
        "tags": "vip, partner",
        "email_0": "asha@example.in",
        "email_label_0": "work",
        "email_1": "",
        "phone_0": "+91 98765 43210",
        "phone_label_0": "mobile",
        "country": "IN",
        "time_zone": "Asia/Kolkata",
        "preferred_language": "te",
        "street": "12 MG Road",
        "city": "Bengaluru",
        "region": "Karnataka",
        "postal_code": "560001",
    }
    body = {
        "given_name": "Asha",
        "family_name": "Rao",
        "full_name": "",
        "job_title": "CTO",
        "organization_id": org.pk,
        "owner_id": owner.pk,
        "tags": ["vip", "partner"],
        "emails": [{"email": "asha@example.in", "label": "work"}],
        "phones": [{"number": "+91 98765 43210", "label": "mobile"}],
        "addresses": [
            {
                "street": "12 MG Road",
                "city": "Bengaluru",
                "region": "Karnataka",
                "postal_code": "560001",
                "country": "IN",
                "is_primary": True,
            }
        ],
        "country": "IN",
        "time_zone": "Asia/Kolkata",
        "preferred_language": "te",
        "honorific": "",
        "birth_date": None,
        "currency": "",
        "source": "",
        "residency": "",
        "description": "",
    }
    return data, body


def test_the_person_form_builds_the_input_the_api_builds_from_json(owner, posted, api, monkeypatch):
    data, body = posted
    # given the person form, filled in
    form = person_form(owner, data)
    assert form.is_valid(), form.errors
    # when it builds its input, and the API receives the same person as JSON
    from_form = form.to_service()
    seen: list[Any] = []
    real = services.person_create

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs["data"])
        return real(**kwargs)

    monkeypatch.setattr(services, "person_create", spy)
    resp = api(owner).post("/api/v1/people", body)
    # then both are the same PersonIn, field for field (the blank email row is not sent)
    assert resp.status_code == 201
    [from_api] = seen
    assert type(from_form) is type(from_api) is PersonIn
    assert from_form.model_dump() == from_api.model_dump()


def test_a_field_the_form_does_not_send_is_not_sent(admin_user, owner, posted):
    # given the phones are hidden from the owner's role, and the job title read-only for it
    field_permission_set(
        actor=admin_user, record_type="person", field="phones", hidden_from=["sales_rep"]
    )
    field_permission_set(
        actor=admin_user, record_type="person", field="job_title", read_only_for=["sales_rep"]
    )
    viewer = User.objects.get(pk=owner.pk)  # the next request's (field rules are read once)
    data, _body = posted
    # when the form is posted with both anyway
    form = person_form(viewer, {**data, "job_title": "CEO"})
    assert form.is_valid(), form.errors
    inp = form.to_service()
    # then its input sent neither, and sent the rest
    assert (inp.phones, inp.job_title) == (NOT_SENT, NOT_SENT)
    assert not {"phones", "job_title"} & set(inp.model_dump())
    assert (inp.given_name, inp.tags) == ("Asha", ["vip", "partner"])
    assert [e.email for e in inp.emails or []] == ["asha@example.in"]
