"""POST /api/v1/emails through a real SMTP server (aiosmtpd, started by the test) and the real
worker: the message arrives with its Message-ID, recipients, subject and body; the email is on
the timelines of the person, their organization and the deal, as sent; a failure is kept with
the server's answer and a retry sends it; replies in a thread carry In-Reply-To/References; a bad
address or a hidden record writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from sambandh.activities.models import Activity
from sambandh.core.models import AuditEvent
from sambandh.emails.models import OutboundEmail
from sambandh.events.worker import run_worker
from tests.api.helpers import MISSING_ID, assert_error
from tests.factories import make_deal, make_organization, make_person

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture
def world(owner, pipeline):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(
        owner, full_name="Asha Rao", email="asha@kestrel.example", organization_id=org.pk
    )
    deal = make_deal(
        owner, pipeline, name="Kestrel renewal", organization_id=org.pk, person_ids=[person.pk]
    )
    return {"org": org, "person": person, "deal": deal}


def send(client: Any, capture: Any, body: dict[str, Any]) -> Any:
    """POST the email, running what the request queued after its commit (the enqueue)."""
    with capture(execute=True):
        return client.post(f"{V1}/emails", body)


def counts() -> dict[str, int]:
    return {
        "activities": Activity.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "tasks": DBTaskResult.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def timeline_ids(client: Any, path: str) -> list[int]:
    resp = client.get(f"{V1}/{path}/timeline")
    assert resp.status_code == 200, resp.content
    return [e["activity"]["id"] for e in resp.json()["items"] if e["activity"]]


def test_email_a_person_through_the_smtp_server_and_see_it_on_three_timelines(
    api, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = api(owner)
    # when the owner emails the person from the deal
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "deal_id": world["deal"].pk,
            "to": ["Asha@Kestrel.example"],
            "cc": ["boss@kestrel.example"],
            "subject": "Your renewal quote",
            "body": "Hello Asha,\n\nThe quote is attached.\n",
        },
    )
    # then the logged email activity answers, queued
    assert resp.status_code == 201, resp.content
    answer = resp.json()
    assert answer["kind"] == "email"
    assert answer["direction"] == "out"
    assert answer["subject"] == "Your renewal quote"
    assert answer["person"] == {"id": world["person"].pk, "name": "Asha Rao"}
    assert answer["organization"] == {"id": world["org"].pk, "name": "Kestrel Analytics"}
    assert answer["deal"] == {"id": world["deal"].pk, "name": "Kestrel renewal"}
    email = answer["email"]
    assert email["status"] == "queued"
    assert email["to"] == ["asha@kestrel.example"]
    assert email["cc"] == ["boss@kestrel.example"]
    assert email["reply_to"] == owner.email
    assert email["message_id"].startswith("<") and email["message_id"].endswith(">")
    assert email["in_reply_to"] == "" and email["references"] == ""
    assert smtp_server.received == []

    # when the worker runs
    run_worker(until_idle=True)

    # then the server received it, as composed
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert sorted(got.rcpt_tos) == ["asha@kestrel.example", "boss@kestrel.example"]
    assert got.message["Message-ID"] == email["message_id"]
    assert got.message["To"] == "asha@kestrel.example"
    assert got.message["Cc"] == "boss@kestrel.example"
    assert got.message["Subject"] == "Your renewal quote"
    assert got.message["Reply-To"] == owner.email
    assert got.message["In-Reply-To"] is None
    assert (
        got.message.get_content().replace("\r\n", "\n").strip()
        == "Hello Asha,\n\nThe quote is attached."
    )
    # and the email is sent, on the person's, the organization's and the deal's timelines
    sent = client.get(f"{V1}/emails/{answer['id']}").json()
    assert sent["email"]["status"] == "sent"
    assert sent["email"]["attempts"] == 1
    assert sent["email"]["sent_at"] is not None
    assert sent["email"]["error"] == ""
    for path in (
        f"people/{world['person'].pk}",
        f"organizations/{world['org'].pk}",
        f"deals/{world['deal'].pk}",
    ):
        assert answer["id"] in timeline_ids(client, path), path
    # and the worker running again sends nothing twice
    run_worker(until_idle=True)
    assert len(smtp_server.received) == 1


def test_a_failure_is_kept_with_the_reason_and_a_retry_sends_it(
    api, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = api(owner)
    # given the mail server is down
    smtp_server.stop()
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {"person_id": world["person"].pk, "to": ["asha@kestrel.example"], "subject": "Hello"},
    )
    assert resp.status_code == 201, resp.content
    activity_id = resp.json()["id"]
    # when the worker tries to send it
    run_worker(until_idle=True)
    # then it failed, with the reason
    failed = client.get(f"{V1}/emails/{activity_id}").json()["email"]
    assert failed["status"] == "failed"
    assert failed["attempts"] == 1
    assert failed["sent_at"] is None
    assert "ConnectionRefusedError" in failed["error"]
    # when the server is back and the owner retries
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"{V1}/emails/{activity_id}/retry", {})
    assert retried.status_code == 200, retried.content
    assert retried.json()["email"]["status"] == "queued"
    run_worker(until_idle=True)
    # then it is sent, once, with the same Message-ID
    done = client.get(f"{V1}/emails/{activity_id}").json()["email"]
    assert (done["status"], done["attempts"], done["error"]) == ("sent", 2, "")
    assert [r.message["Message-ID"] for r in smtp_server.received] == [failed["message_id"]]
    # and a sent email cannot be retried
    assert_error(client.post(f"{V1}/emails/{activity_id}/retry", {}), 409, "conflict")


def test_a_second_email_in_the_thread_carries_the_threading_headers(
    api, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = api(owner)
    base = {
        "person_id": world["person"].pk,
        "deal_id": world["deal"].pk,
        "to": ["asha@kestrel.example"],
    }
    first = send(client, django_capture_on_commit_callbacks, {**base, "subject": "Pricing"})
    second = send(client, django_capture_on_commit_callbacks, {**base, "subject": "Re: Pricing"})
    third = send(client, django_capture_on_commit_callbacks, {**base, "subject": "RE: re: pricing"})
    other = send(client, django_capture_on_commit_callbacks, {**base, "subject": "Onboarding"})
    alone = send(
        client,
        django_capture_on_commit_callbacks,
        {"person_id": world["person"].pk, "to": ["asha@kestrel.example"], "subject": "Pricing"},
    )
    ids = [r.json()["email"]["message_id"] for r in (first, second, third)]
    assert second.json()["email"]["in_reply_to"] == ids[0]
    assert second.json()["email"]["references"] == ids[0]
    assert third.json()["email"]["in_reply_to"] == ids[1]
    assert third.json()["email"]["references"] == f"{ids[0]} {ids[1]}"
    # another subject, or the same one outside the deal, starts a thread of its own
    assert other.json()["email"]["in_reply_to"] == ""
    assert alone.json()["email"]["in_reply_to"] == ""
    run_worker(until_idle=True)
    by_id = {r.message["Message-ID"]: r.message for r in smtp_server.received}
    assert len(by_id) == 5
    assert by_id[ids[1]]["In-Reply-To"] == ids[0]
    assert by_id[ids[1]]["References"] == ids[0]
    assert by_id[ids[2]]["In-Reply-To"] == ids[1]
    assert by_id[ids[2]]["References"] == f"{ids[0]} {ids[1]}"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"to": ["not-an-address"]}, {"to.0"}),
        ({"to": ["asha@kestrel.example", "bob@"]}, {"to.1"}),
        ({"cc": ["asha@@kestrel.example"]}, {"cc.0"}),
        ({"to": ["a@example.com\r\nBcc: x@example.com"]}, {"to.0"}),
        ({"to": []}, {"to"}),
        ({"subject": "   "}, {"subject"}),
        ({"subject": None}, {"subject"}),
        ({"to": None}, {"to"}),
        ({"person_id": None}, {"person_id"}),
        ({"person_id": 0}, {"person_id"}),
        ({"bcc": ["x@example.com"]}, {"bcc"}),
        ({"to": ["a@example.com"] * 51}, {"to"}),
    ],
)
def test_bad_input_is_a_422_and_writes_nothing(
    api, owner, world, body, fields, django_capture_on_commit_callbacks
):
    client = api(owner)
    before = counts()
    good = {"person_id": world["person"].pk, "to": ["asha@kestrel.example"], "subject": "Hi"}
    with django_capture_on_commit_callbacks() as queued:
        resp = client.post(f"{V1}/emails", {**good, **body})
    assert_error(resp, 422, "validation_failed")
    assert set(resp.json()["error"]["fields"]) == fields
    assert counts() == before
    assert queued == []


def test_the_invalid_address_is_named_in_the_message(api, owner, world):
    resp = api(owner).post(
        f"{V1}/emails",
        {"person_id": world["person"].pk, "to": ["asha at kestrel"], "subject": "Hi"},
    )
    assert (
        resp.json()["error"]["fields"]["to.0"] == "“asha at kestrel” is not a valid email address."
    )


def test_a_person_or_deal_the_actor_may_not_see_is_a_404_and_nothing_is_written(
    api, owner, outsider, readonly, world, django_capture_on_commit_callbacks
):
    theirs = make_person(outsider, full_name="Hidden Person")
    as_owner, as_outsider, as_reader = api(owner), api(outsider), api(readonly)  # (audited)
    before = counts()
    body = {"to": ["asha@kestrel.example"], "subject": "Hi"}
    with django_capture_on_commit_callbacks() as queued:
        hidden_person = as_owner.post(f"{V1}/emails", {**body, "person_id": theirs.pk})
        missing = as_owner.post(f"{V1}/emails", {**body, "person_id": MISSING_ID})
        hidden_deal = as_outsider.post(
            f"{V1}/emails", {**body, "person_id": theirs.pk, "deal_id": world["deal"].pk}
        )
        read_only = as_reader.post(f"{V1}/emails", {**body, "person_id": world["person"].pk})
    assert_error(hidden_person, 404, "not_found")
    assert_error(missing, 404, "not_found")
    assert_error(hidden_deal, 404, "not_found")
    assert_error(read_only, 403, "forbidden")
    assert "Hidden Person" not in hidden_person.content.decode()
    assert counts() == before
    assert queued == []


def test_who_reads_and_retries_an_email(
    api,
    owner,
    teammate,
    manager,
    readonly,
    outsider,
    admin_user,
    world,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # given a failed email of the owner's
    smtp_server.stop()
    resp = send(
        api(owner),
        django_capture_on_commit_callbacks,
        {"person_id": world["person"].pk, "to": ["asha@kestrel.example"], "subject": "Hi"},
    )
    activity_id = resp.json()["id"]
    run_worker(until_idle=True)
    assert OutboundEmail.objects.get().status == "failed"
    # then who may not see it gets a 404, for reading and retrying alike
    for user in (teammate, outsider):
        assert_error(api(user).get(f"{V1}/emails/{activity_id}"), 404, "not_found")
        assert_error(api(user).post(f"{V1}/emails/{activity_id}/retry", {}), 404, "not_found")
    # and the read-only user sees it but may not retry it
    assert api(readonly).get(f"{V1}/emails/{activity_id}").status_code == 200
    assert_error(api(readonly).post(f"{V1}/emails/{activity_id}/retry", {}), 403, "forbidden")
    assert OutboundEmail.objects.get().status == "failed"
    # and the owner's manager may retry it
    assert api(manager).post(f"{V1}/emails/{activity_id}/retry", {}).status_code == 200
    assert OutboundEmail.objects.get().status == "queued"
    assert api(admin_user).get(f"{V1}/emails/{activity_id}").status_code == 200
    # and an activity that is not an email sent from here is a 404
    note = Activity.objects.create(
        owner=owner, kind="email", subject="Logged", person=world["person"]
    )
    assert_error(api(owner).get(f"{V1}/emails/{note.pk}"), 404, "not_found")
    assert_error(api(owner).get(f"{V1}/emails/{MISSING_ID}"), 404, "not_found")


def test_a_sent_email_keeps_its_words_but_may_move_to_another_deal(
    api, owner, pipeline, world, smtp_server, django_capture_on_commit_callbacks
):
    # given an email sent to the person from the deal
    client = api(owner)
    resp = send(
        client,
        django_capture_on_commit_callbacks,
        {
            "person_id": world["person"].pk,
            "to": ["asha@kestrel.example"],
            "subject": "Quote",
            "body": "Hello",
        },
    )
    assert resp.status_code == 201, resp.content
    email_id, version = resp.json()["id"], resp.json()["version"]
    other = make_deal(owner, pipeline, name="Kestrel add-on", person_ids=[world["person"].pk])
    before = counts()

    # when someone changes its subject and body
    changed = client.patch(
        f"{V1}/activities/{email_id}", {"subject": "Quote (v2)", "body": "Hi", "version": version}
    )

    # then it is refused, naming both fields, and nothing changed
    message = "This email was sent from Sambandh: it stays as it was sent."
    assert_error(changed, 422, "validation_failed", {"subject": message, "body": message})
    assert counts() == before
    assert Activity.objects.values_list("subject", "body").get(pk=email_id) == ("Quote", "Hello")

    # when it is put on another deal instead, that is a change like any other
    moved = client.patch(f"{V1}/activities/{email_id}", {"deal_id": other.pk, "version": version})
    assert moved.status_code == 200, moved.content
    assert Activity.objects.get(pk=email_id).deal_id == other.pk
