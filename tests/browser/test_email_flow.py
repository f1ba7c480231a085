"""From a person's page, a rep composes and sends an email with a PDF attached through a local
SMTP server started by the test (aiosmtpd); after the worker has run, the email is on the
timeline as sent with its file and the server holds it: in a real browser (Debian's Chromium),
at 1280 and 390 pixels, with axe-core on every page visited."""

from __future__ import annotations

from typing import Any

import pytest

from sambandh.attachments.tests.samples import PDF
from sambandh.emails.models import OutboundEmail
from sambandh.events.worker import run_worker
from tests.browser.axe import axe_check, install_axe, report
from tests.factories import make_organization, make_person

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_email_a_person_and_see_it_sent_on_the_timeline(
    live_server: Any,
    browser: Any,
    owner: Any,
    smtp_server: Any,
    width: int,
    settings: Any,
    tmp_path: Any,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    org = make_organization(owner, name="Kestrel Analytics")
    person = make_person(
        owner, full_name="Asha Rao", email="asha@kestrel.example", organization_id=org.pk
    )
    base = live_server.url
    violations = []
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    # -- the person's page has an Email button, which opens the compose page addressed to her
    page.goto(f"{base}/people/{person.pk}/")
    page.locator(".page-actions a", has_text="Email").click()
    expect(page).to_have_url(f"{base}/people/{person.pk}/email/")
    expect(page.locator("#id_to")).to_have_value("asha@kestrel.example")
    violations += axe_check(page, "compose")

    # -- a bad address is refused on the form, with what was typed kept
    page.fill("#id_cc", "boss at kestrel")
    page.fill("#id_subject", "Your renewal")
    page.fill("#id_body", "Hello Asha,\nthe quote is ready.")
    page.click("button[type=submit]:has-text('Send email')")
    expect(page.locator(".field.has-error")).to_contain_text("is not a valid email address")
    expect(page.locator("#id_subject")).to_have_value("Your renewal")
    violations += axe_check(page, "compose with an error")
    assert OutboundEmail.objects.count() == 0

    # -- sent, with a file: back on the person's page, queued on the timeline
    page.fill("#id_cc", "boss@kestrel.example")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "Quote.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("button[type=submit]:has-text('Send email')")
    expect(page).to_have_url(f"{base}/people/{person.pk}/")
    expect(page.locator("body")).to_contain_text("Email queued")
    email = OutboundEmail.objects.get()
    entry = page.locator(f"#activity-{email.activity_id}")
    expect(entry).to_contain_text("Your renewal")
    expect(entry).to_contain_text("Queued")

    # -- the worker sends it (as `sambandh worker` does beside the server)
    run_worker(until_idle=True)
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.message["Message-ID"] == email.message_id
    assert got.message["Subject"] == "Your renewal"
    assert sorted(got.rcpt_tos) == ["asha@kestrel.example", "boss@kestrel.example"]
    [part] = got.message.iter_attachments()
    assert (part.get_filename(), part.get_payload(decode=True)) == ("Quote.pdf", PDF)

    # -- and the timeline shows it sent, on the person and on her organization
    page.reload()
    entry = page.locator(f"#activity-{email.activity_id}")
    expect(entry.locator(".email-status")).to_contain_text("Sent")
    expect(entry).to_contain_text("To asha@kestrel.example")
    expect(entry).to_contain_text("Quote.pdf")
    violations += axe_check(page, "person with the sent email")
    page.goto(f"{base}/organizations/{org.pk}/")
    expect(page.locator(f"#activity-{email.activity_id} .email-status")).to_contain_text("Sent")
    context.close()
    assert not violations, report(violations)


def test_files_too_large_together_are_refused_before_sending_and_the_text_is_kept(
    live_server: Any, browser: Any, owner: Any, settings: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_ATTACHMENTS_MAX_BYTES = len(PDF) - 1
    person = make_person(owner, full_name="Asha Rao", email="asha@kestrel.example")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    compose = f"{base}/people/{person.pk}/email/"
    page.goto(compose)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.fill("#id_subject", "Your quote")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "Quote.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    # the page says so beside the field as soon as the file is chosen, and does not send
    error = page.locator("#id_attachments_client_error")
    expect(error).to_contain_text("These files are too large together")
    page.click("button[type=submit]:has-text('Send email')")
    expect(page).to_have_url(compose)
    expect(page.locator("#id_subject")).to_have_value("Your quote")
    assert posts == []
    violations = axe_check(page, "compose with files too large")
    assert OutboundEmail.objects.count() == 0
    # choosing no file clears the message
    page.set_input_files("#id_attachments", files=[])
    expect(error).to_have_count(0)
    context.close()
    assert not violations, report(violations)
