"""Schemathesis over the whole OpenAPI document, a few generated requests per operation and
mode, with real ids seeded (tests/api/fuzzing.py): no answer is a server error. The full run,
1,000 cases per operation, is bench/api_fuzz.py."""

from __future__ import annotations

import pytest
import schemathesis

from tests.api.fuzzing import describe, run, through_client
from tests.clients import SambandhClient
from tests.factories import (
    make_activity,
    make_deal,
    make_lead,
    make_organization,
    make_person,
    make_token,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 2


@pytest.fixture
def seeded(admin_user, owner, pipeline):
    org = make_organization(owner, name="Aravali Infotech")
    person = make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    make_deal(owner, pipeline, name="Renewal", amount="1200", currency="INR")
    make_lead(owner, full_name="Inbound Lead")
    make_activity(owner, kind="note", subject="Met at the fair", person_id=person.pk)
    make_activity(owner, kind="task", subject="Call back", person_id=person.pk)
    return admin_user


def test_no_generated_request_gets_a_server_error(seeded, settings):
    settings.API_RATE_LIMIT = 0  # thousands of requests in a minute, by design
    client = SambandhClient()
    document = client.get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)

    report = run(schema, token=make_token(seeded), examples=EXAMPLES, call=through_client(client))

    assert report.errors == [], describe(report)
    # every operation of the document was exercised
    assert len(report.cases) == len(
        [1 for path in document["paths"].values() for method in path if method != "parameters"]
    ), describe(report)
