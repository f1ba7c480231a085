"""The compose page from a person's page and a deal's, through a real SMTP server and the real
worker: the email is queued, sent and shown on the timelines as "Sent"; a failure shows its
reason with a Retry button that sends it; a bad address is a form error that writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.activities.models import Activity
from sambandh.emails.models import OutboundEmail
from sambandh.events.worker import run_worker
from tests.factories import make_deal, make_organization, make_person
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(owner, pipeline):
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(
        owner, full_name="Asha Rao", email="asha@kestrel.example", organization_id=org.pk
    )
    other = make_person(owner, full_name="Ravi Iyer", email="ravi@kestrel.example")
    deal = make_deal(
        owner,
        pipeline,
        name="Kestrel renewal",
        organization_id=org.pk,
        person_ids=[person.pk, other.pk],
    )
    return {"org": org, "person": person, "other": other, "deal": deal}


def test_email_a_person_from_their_page(
    browser_for, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    person = world["person"]
    compose = reverse("emails:compose_person", args=[person.pk])
    # the person's page has the Email button, and the compose page is addressed to them
    assert f'href="{compose}"' in text(
        client.get(reverse("contacts:person_detail", args=[person.pk]))
    )
    page = client.get(compose)
    assert page.status_code == 200
    assert page.context["form"]["to"].value() == "asha@kestrel.example"
    # when the owner sends it
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            compose,
            {"to": "asha@kestrel.example", "cc": "", "subject": "Welcome", "body": "Hello!"},
            follow=True,
        )
    # then it is back on the person's page, with the news, and on the timeline as queued
    assert resp.redirect_chain == [(reverse("contacts:person_detail", args=[person.pk]), 302)]
    body = text(resp)
    assert "Email queued: it will be sent in a moment." in body
    assert "Queued" in body
    run_worker(until_idle=True)
    assert [r.message["Subject"] for r in smtp_server.received] == ["Welcome"]
    email = OutboundEmail.objects.get()
    assert smtp_server.received[0].message["Message-ID"] == email.message_id
    # and it shows as sent on the person's page and their organization's
    for url in (
        reverse("contacts:person_detail", args=[person.pk]),
        reverse("contacts:organization_detail", args=[world["org"].pk]),
    ):
        page_text = text(client.get(url))
        assert f'id="activity-{email.activity_id}"' in page_text, url
        assert ">Sent<" in page_text, url


def test_email_one_of_a_deals_people(
    browser_for, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    deal = world["deal"]
    compose = reverse("emails:compose_deal", args=[deal.pk])
    assert f'href="{compose}"' in text(client.get(reverse("sales:deal_detail", args=[deal.pk])))
    page = client.get(compose)
    form = page.context["form"]
    assert [label for _pk, label in form.fields["person"].choices] == [
        "Asha Rao <asha@kestrel.example>",
        "Ravi Iyer <ravi@kestrel.example>",
    ]
    assert form["to"].value() == "asha@kestrel.example"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            compose,
            {
                "person": str(world["other"].pk),
                "to": "ravi@kestrel.example",
                "cc": "asha@kestrel.example; boss@kestrel.example",
                "subject": "Renewal",
                "body": "Hi Ravi",
            },
        )
    assert resp.status_code == 302
    assert resp["Location"] == reverse("sales:deal_detail", args=[deal.pk])
    activity = Activity.objects.get(kind="email")
    assert (activity.person_id, activity.deal_id) == (world["other"].pk, deal.pk)
    run_worker(until_idle=True)
    got = smtp_server.received[0].message
    assert (got["To"], got["Cc"]) == (
        "ravi@kestrel.example",
        "asha@kestrel.example, boss@kestrel.example",
    )
    page_text = text(client.get(reverse("sales:deal_detail", args=[deal.pk])))
    assert f'id="activity-{activity.pk}"' in page_text
    assert ">Sent<" in page_text


def test_a_bad_address_is_a_form_error_and_writes_nothing(
    browser_for, owner, world, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    compose = reverse("emails:compose_person", args=[world["person"].pk])
    with django_capture_on_commit_callbacks() as queued:
        resp = client.post(
            compose, {"to": "asha@kestrel.example, asha at kestrel", "subject": "Hi", "body": "x"}
        )
    assert resp.status_code == 422
    assert resp.context["form"].errors["to"] == ["“asha at kestrel” is not a valid email address."]
    assert "asha at kestrel" in text(resp)  # what was typed is kept
    assert Activity.objects.filter(kind="email").count() == 0
    assert OutboundEmail.objects.count() == 0
    assert queued == []
    missing = client.post(compose, {"to": "", "subject": "", "body": ""})
    assert missing.status_code == 422
    assert set(missing.context["form"].errors) == {"to", "subject"}


def test_a_failure_shows_its_reason_and_retry_sends_it(
    browser_for, owner, world, smtp_server, django_capture_on_commit_callbacks
):
    client = browser_for(owner)
    person_url = reverse("contacts:person_detail", args=[world["person"].pk])
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("emails:compose_person", args=[world["person"].pk]),
            {"to": "asha@kestrel.example", "subject": "Hello", "body": "x"},
        )
    run_worker(until_idle=True)
    email = OutboundEmail.objects.get()
    page_text = text(client.get(person_url))
    assert "Failed: ConnectionRefusedError" in page_text
    retry = reverse("emails:retry", args=[email.activity_id])
    assert f'action="{retry}"' in page_text
    # when the server is back and the owner presses Retry
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(retry, {"next": person_url}, follow=True)
    assert resp.redirect_chain == [(person_url, 302)]
    assert "Email queued again" in text(resp)
    run_worker(until_idle=True)
    assert len(smtp_server.received) == 1
    assert ">Sent<" in text(client.get(person_url))
    # and retrying a sent email says why not
    again = client.post(retry, {"next": person_url}, follow=True)
    assert "Only an email that failed can be sent again." in text(again)


def test_who_gets_the_compose_page(browser_for, owner, readonly, outsider, world):
    compose = reverse("emails:compose_person", args=[world["person"].pk])
    assert browser_for(readonly).get(compose).status_code == 403
    assert browser_for(outsider).get(compose).status_code == 404
    person_page = reverse("contacts:person_detail", args=[world["person"].pk])
    assert compose not in text(browser_for(readonly).get(person_page))


def test_emails_on_the_timeline_cost_no_query_each(
    browser_for, owner, world, django_capture_on_commit_callbacks
):
    from sambandh.emails.schemas import EmailIn
    from sambandh.emails.services import email_send

    client = browser_for(owner)
    url = reverse("contacts:person_detail", args=[world["person"].pk])

    def add_email() -> None:
        email_send(
            actor=owner,
            data=EmailIn.build(
                {"person_id": world["person"].pk, "to": ["a@example.com"], "subject": "Hi"}
            ),
        )

    add_email()
    with_one = count_queries(client, url)
    for _i in range(4):
        add_email()
    assert count_queries(client, url) == with_one
