"""/api/v1/pipelines: shared configuration with ordered stages. Everyone reads; admins and
managers write."""

from __future__ import annotations

import pytest

from sambandh.sales import services as sales
from sambandh.sales.models import Pipeline, Stage
from tests.api.helpers import MISSING_ID, assert_error, etag, snapshot, walk, warm
from tests.factories import make_deal, make_pipeline

pytestmark = pytest.mark.django_db

URL = "/api/v1/pipelines"
KEYS = {
    "id",
    "version",
    "name",
    "is_default",
    "position",
    "is_archived",
    "stages",
    "created_at",
    "updated_at",
}
BODY = {
    "name": "Partnerships",
    "stages": [
        {"name": "Intro", "probability": 10},
        {"name": "Pilot", "probability": 40},
        {"name": "Signed", "probability": 100, "kind": "won"},
        {"name": "Dropped", "kind": "lost"},
    ],
}


def stage_rows(body):
    return [(s["name"], s["probability"], s["kind"], s["position"]) for s in body["stages"]]


@pytest.mark.parametrize("who", ["owner", "outsider", "readonly"])
def test_everyone_reads_pipelines_with_their_ordered_stages(request, api, pipeline, who):
    client = api(request.getfixturevalue(who))
    resp = client.get(f"{URL}/{pipeline.pk}")
    assert (resp.status_code, resp["ETag"]) == (200, etag(1))
    body = resp.json()
    assert set(body) == KEYS
    assert (body["name"], body["is_default"]) == ("Sales", True)
    assert stage_rows(body) == [
        ("Qualified", 10, "open", 0),
        ("Proposal", 50, "open", 1),
        ("Negotiation", 80, "open", 2),
        ("Won", 100, "won", 3),
        ("Lost", 0, "lost", 4),
    ]
    assert [s["id"] for s in body["stages"]] == list(
        pipeline.stages.order_by("position").values_list("id", flat=True)
    )
    assert walk(client, URL) == [pipeline.pk]


def test_a_missing_pipeline_answers_404(api, owner):
    assert_error(api(owner).get(f"{URL}/{MISSING_ID}"), 404, "not_found")


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_admins_and_managers_create(request, api, who):
    resp = api(request.getfixturevalue(who)).post(URL, BODY)
    assert resp.status_code == 201, resp.content
    assert resp["ETag"] == etag(1)
    body = resp.json()
    assert set(body) == KEYS
    assert stage_rows(body) == [
        ("Intro", 10, "open", 0),
        ("Pilot", 40, "open", 1),
        ("Signed", 100, "won", 2),
        ("Dropped", 0, "lost", 3),
    ]
    assert body["is_default"] is True  # the first pipeline becomes the default


@pytest.mark.parametrize("who", ["owner", "readonly"])
def test_others_cannot_write(request, api, pipeline, who):
    client = api(request.getfixturevalue(who))
    before = snapshot(pipeline)
    stages_before = list(Stage.objects.values())
    assert_error(client.post(URL, BODY), 403, "forbidden")
    assert_error(
        client.patch(f"{URL}/{pipeline.pk}", {"name": "Mine", "version": 1}), 403, "forbidden"
    )
    assert_error(client.patch(f"{URL}/{pipeline.pk}", {"name": "Mine"}), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{pipeline.pk}?version=1"), 403, "forbidden")
    assert snapshot(pipeline) == before
    assert list(Stage.objects.values()) == stages_before
    assert Pipeline.objects.count() == 1


def test_create_refuses_bad_stages(api, manager):
    resp = api(manager).post(
        URL, {"name": "X", "stages": [{"name": "A", "kind": "won"}, {"name": "a", "kind": "lost"}]}
    )
    assert_error(
        resp,
        422,
        "validation_failed",
        {
            "stages": "A pipeline needs at least one open stage.",
            "stages.1.name": "Stage names must be different.",
        },
    )
    resp = api(manager).post(URL, {"name": "X", "stages": [{"name": "A", "probability": 101}]})
    assert_error(
        resp,
        422,
        "validation_failed",
        {"stages.0.probability": "Input should be less than or equal to 100"},
    )
    assert Pipeline.objects.count() == 0


def test_update_renames_reorders_adds_and_removes_stages(api, manager, owner, pipeline):
    qualified, proposal, negotiation, won, lost = pipeline.stages.order_by("position")
    # given a deal that moved through Proposal (history) and now sits in Negotiation
    deal = make_deal(owner, pipeline)
    sales.deal_move_stage(actor=owner, deal=deal, stage_id=proposal.pk, version=1)
    sales.deal_move_stage(actor=owner, deal=deal, stage_id=negotiation.pk, version=2)
    # when Qualified is renamed and moved after a new stage, and Proposal is left out
    resp = api(manager).patch(
        f"{URL}/{pipeline.pk}",
        {
            "version": 1,
            "name": "Sales EMEA",
            "stages": [
                {"name": "Discovery", "probability": 5},
                {"id": qualified.pk, "name": "Qualified lead", "probability": 15},
                {"id": negotiation.pk, "name": "Negotiation", "probability": 80},
                {"id": won.pk, "name": "Won", "probability": 100, "kind": "won"},
                {"id": lost.pk, "name": "Lost", "kind": "lost"},
            ],
        },
    )
    # then the answer has the new order; Proposal is archived (it has history), not deleted
    assert resp.status_code == 200, resp.content
    assert resp["ETag"] == etag(2)
    body = resp.json()
    assert body["name"] == "Sales EMEA"
    assert stage_rows(body) == [
        ("Discovery", 5, "open", 0),
        ("Qualified lead", 15, "open", 1),
        ("Negotiation", 80, "open", 2),
        ("Won", 100, "won", 3),
        ("Lost", 0, "lost", 4),
    ]
    assert Stage.objects.get(pk=proposal.pk).is_archived is True


def test_a_stage_with_deals_cannot_be_removed(api, manager, owner, pipeline):
    qualified = pipeline.stages.order_by("position").first()
    make_deal(owner, pipeline)
    client = api(manager)
    before = snapshot(pipeline)
    stages_before = list(Stage.objects.values())
    resp = client.patch(
        f"{URL}/{pipeline.pk}",
        {
            "version": 1,
            "stages": [
                {"id": s.pk, "name": s.name, "probability": s.probability, "kind": s.kind}
                for s in pipeline.stages.exclude(pk=qualified.pk)
            ],
        },
    )
    assert_error(resp, 422, "validation_failed", {"stages": "A removed stage still has deals."})
    assert snapshot(pipeline) == before
    assert list(Stage.objects.values()) == stages_before


def test_a_stage_of_another_pipeline_is_refused(api, manager, pipeline):
    other = make_pipeline(manager, name="Other")
    foreign = other.stages.first()
    client = api(manager)
    before = snapshot(pipeline)
    resp = client.patch(
        f"{URL}/{pipeline.pk}", {"version": 1, "stages": [{"id": foreign.pk, "name": "Stolen"}]}
    )
    assert_error(
        resp, 422, "validation_failed", {"stages.0.id": "This stage belongs to another pipeline."}
    )
    assert snapshot(pipeline) == before


def test_versions(api, manager, pipeline):
    sales.pipeline_update(actor=manager, pipeline=pipeline, version=1, name="Renamed")
    client = api(manager)
    before = snapshot(pipeline)
    assert_error(
        client.patch(f"{URL}/{pipeline.pk}", {"name": "Late", "version": 1}),
        409,
        "version_conflict",
    )
    assert_error(client.patch(f"{URL}/{pipeline.pk}", {"name": "Late"}), 428, "version_required")
    assert_error(
        client.delete(f"{URL}/{pipeline.pk}", **{"If-Match": etag(1)}), 409, "version_conflict"
    )
    assert_error(client.delete(f"{URL}/{pipeline.pk}"), 428, "version_required")
    assert_error(
        client.patch(f"{URL}/{pipeline.pk}", {"version": 2, "color": "x"}),
        422,
        "validation_failed",
        {"color": "Unknown field."},
    )
    assert snapshot(pipeline) == before


def test_delete(api, manager, owner, pipeline):
    client = api(manager)
    # a pipeline holding deals stays
    deal = make_deal(owner, pipeline)
    assert_error(client.delete(f"{URL}/{pipeline.pk}?version=1"), 422, "validation_failed")
    assert Pipeline.objects.filter(pk=pipeline.pk).exists()
    # an empty one goes, stages and all
    sales.deal_delete(actor=owner, deal=deal, version=1)
    assert client.delete(f"{URL}/{pipeline.pk}?version=1").status_code == 204
    assert (Pipeline.objects.count(), Stage.objects.count()) == (0, 0)


def test_pages(api, manager, owner, queries):
    pipelines = [make_pipeline(manager, name=f"P{n}") for n in range(5)]
    client = api(owner)
    assert walk(client, URL, {"limit": 2}) == [p.pk for p in pipelines]
    assert walk(client, URL, {"limit": 2, "sort": "-created"}) == [p.pk for p in pipelines][::-1]
    warm(client, URL)
    with queries() as ctx:
        assert client.get(URL).status_code == 200
    # token, the page, the pages' stages (no visibility rule: pipelines are shared)
    assert len(ctx.captured_queries) == 3
