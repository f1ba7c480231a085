"""Every page of the web interface, checked by axe-core in Chromium: no serious or critical
violation of WCAG 2.1 A/AA (or of axe's best practices) for an admin, a sales rep, a visitor
who is not logged in, and at a phone's width.

To check a new page, add one line to PAGES (or ANONYMOUS_PAGES): a name and a function from the
test's records (``World``) to the page's path. ``then`` runs in the browser after the page loads,
for states reached by clicking (a composer tab opened via htmx, a form sent back with errors).
See docs/accessibility.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories
from tests.browser.axe import Violation, axe_check, install_axe, report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see test_sales_flow.py

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"  # the factories' password
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class World:
    """The records the pages show: one of each kind, with a timeline of every entry kind."""

    admin: Any
    rep: Any
    person: Any
    organization: Any
    deal: Any
    lead: Any
    converted_lead: Any


def build_world() -> World:
    team = factories.make_team("Sales India")
    admin = factories.make_user("admin", email="admin@example.com", full_name="Ada Admin")
    rep = factories.make_user("sales_rep", email="rep@example.com", full_name="Ravi Rep", team=team)
    pipeline = factories.make_pipeline(admin)
    org = factories.make_organization(rep, name="Kaveri Textiles", country="IN")
    person = factories.make_person(
        rep,
        full_name="Priya Raman",
        email="priya@kaveri.example",
        phone="+91 98450 12345",
        organization_id=org.pk,
        job_title="Buyer",
    )
    deal = factories.make_deal(rep, pipeline, name="Kaveri looms", organization_id=org.pk)
    deal = factories.move_deal(rep, deal, "Proposal")
    factories.make_deal(rep, pipeline, name="Ganga dyes", amount="250000")
    lead = factories.make_lead(rep, full_name="Arjun Mehta", company="Mehta Mills")
    converted = factories.convert_lead(
        rep, factories.make_lead(rep, full_name="Sunita Rao", company="Rao Exports")
    )
    for link in (
        {"person_id": person.pk},
        {"organization_id": org.pk},
        {"deal_id": deal.pk},
        {"lead_id": lead.pk},
    ):
        factories.make_timeline(rep, **link)
    # Someone else's entry on the rep's record, and a task for the admin's own list.
    factories.make_activity(admin, "task", subject="Approve the discount", person_id=person.pk)
    factories.make_token(admin)
    factories.make_token(rep)
    # Notifications for the bell and the notification centre: one read, one not.
    # Something in the recycle bin: a person of the rep's, with a note, deleted.
    from sambandh.contacts.services import person_delete

    binned = factories.make_person(rep, full_name="Binned Bulbul")
    factories.make_activity(rep, "note", person_id=binned.pk)
    person_delete(actor=rep, person=binned)
    from sambandh.notifications.services import notification_read, notify

    for user, other in ((rep, admin), (admin, rep)):
        notify(
            user_id=user.pk,
            kind="assigned",
            key="a11y:1",
            record_type="person",
            record_id=person.pk,
            actor_id=other.pk,
        )
        seen = notify(
            user_id=user.pk,
            kind="shared",
            key="a11y:2",
            record_type="deal",
            record_id=deal.pk,
            actor_id=other.pk,
        )
        assert seen is not None
        notification_read(user=user, notification_id=seen.pk)
    return World(admin, rep, person, org, deal, lead, converted)


def _open_composer_tab(label: str) -> Callable[[Any], None]:
    def then(page: Any) -> None:
        page.locator("#composer [role=tab]", has_text=label).click()
        page.locator("#composer [role=tab][aria-selected=true]", has_text=label).wait_for()

    return then


def _submit_empty(page: Any) -> None:
    """Send the new-record form empty, past the browser's own checks, to get the server's
    errors rendered."""
    page.evaluate("() => { document.querySelector('form.record-form').noValidate = true; }")
    page.click("form.record-form button[type=submit]")
    page.locator(".field.has-error").first.wait_for()


def _open_menu(summary: str) -> Callable[[Any], None]:
    def then(page: Any) -> None:
        page.locator(summary).first.click()
        page.locator("details[open]").first.wait_for()

    return then


def _mention_picker(page: Any) -> None:
    """The note composer's @mention picker, open on the colleagues whose name starts "A"."""
    area = page.locator("#composer textarea[data-mentions]")
    area.click()
    area.press_sequentially("Thanks @A")
    page.locator(".mention-list [role=option]").first.wait_for()


def _open_palette(page: Any) -> None:
    page.keyboard.press("Control+k")
    page.keyboard.type("Kaveri")
    page.locator("#search-palette-results a").first.wait_for()


def _open_navigation(page: Any) -> None:
    from playwright.sync_api import expect

    page.click("[data-nav-toggle]")
    # Opening the drawer moves the focus to its current page's link (which it cannot do while
    # the drawer is still hidden), and with motion reduced the drawer is in place at once.
    expect(page.locator(".sidebar .nav-link.is-active")).to_be_focused()
    expect(page.locator(".nav-open .sidebar")).to_have_css("transform", "none")


def _sharing_card(page: Any) -> None:
    """The record page's sharing card, which htmx loads after the page."""
    page.locator("#shares-card h2").wait_for()


def _first_activity(w: World) -> str:
    from sambandh.activities.models import Activity

    activity = Activity.objects.filter(person=w.person, owner=w.rep).order_by("pk").first()
    assert activity is not None
    return f"/activities/{activity.pk}/edit/"


def _first_meeting(w: World) -> str:
    """A meeting's page: its participants' local times and the day's shared working hours."""
    from sambandh.activities.models import Activity

    meeting = Activity.objects.filter(person=w.person, kind="meeting").order_by("pk").first()
    assert meeting is not None
    return f"/activities/{meeting.pk}/edit/"


def _jobs_with_a_failure(w: World) -> str:
    """The Jobs tab with a job run and a failed handler run on it (so the tables are full)."""
    import datetime

    from sambandh.events.jobs import run_due_jobs
    from sambandh.events.models import Event, HandlerRun, RunStatus

    run_due_jobs(now=datetime.datetime.now(datetime.UTC), worker_id="axe")
    if not HandlerRun.objects.filter(status=RunStatus.FAILED).exists():
        event = Event.objects.create(type="organization.updated", record_type="organization")
        HandlerRun.objects.create(
            event=event,
            handler="contacts.organization_renamed",
            status=RunStatus.FAILED,
            attempts=5,
            last_error="RuntimeError: the search index was locked",
        )
    return "/settings/jobs/"


def _first_team(w: World) -> str:
    from sambandh.accounts.models import Team

    team = Team.objects.order_by("pk").first()
    assert team is not None
    return f"/settings/teams/{team.pk}/"


def _first_pipeline(w: World) -> str:
    return f"/settings/pipelines/{w.deal.pipeline_id}/"


def _wrong_password(page: Any) -> None:
    page.fill("input[name=username]", "nobody@example.com")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    page.locator(".errorlist, .alert").first.wait_for()


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: Callable[[World], str]
    then: Callable[[Any], None] | None = None
    phone: bool = False  # also checked at a phone's width
    desktop: bool = True  # False: a state only a phone has


# Every page a logged-in user can reach; checked as the admin and as the sales rep.
PAGES = [
    PageSpec("home", lambda w: "/", phone=True),
    PageSpec("people", lambda w: "/people/", phone=True),
    PageSpec("people, filtered", lambda w: f"/people/?owner_id={w.rep.pk}&country=IN"),
    PageSpec("people, nothing found", lambda w: "/people/?name=nobody-matches-this"),
    PageSpec(
        "people, columns menu", lambda w: "/people/", _open_menu("summary:has-text('Columns')")
    ),
    PageSpec(
        "people, save view menu", lambda w: "/people/", _open_menu("summary:has-text('Save')")
    ),
    PageSpec("person", lambda w: f"/people/{w.person.pk}/", phone=True),
    PageSpec("person, new", lambda w: "/people/new/"),
    PageSpec("person, new with errors", lambda w: "/people/new/", then=_submit_empty),
    PageSpec("person, edit", lambda w: f"/people/{w.person.pk}/edit/"),
    PageSpec("person, delete", lambda w: f"/people/{w.person.pk}/delete/"),
    PageSpec("organizations", lambda w: "/organizations/", phone=True),
    PageSpec("organizations, nothing found", lambda w: "/organizations/?name=nobody-matches"),
    PageSpec("organization", lambda w: f"/organizations/{w.organization.pk}/", phone=True),
    PageSpec("organization, new", lambda w: "/organizations/new/"),
    PageSpec("organization, edit", lambda w: f"/organizations/{w.organization.pk}/edit/"),
    PageSpec("organization, delete", lambda w: f"/organizations/{w.organization.pk}/delete/"),
    PageSpec("deals board", lambda w: "/deals/", phone=True),
    PageSpec("deals", lambda w: "/deals/list/", phone=True),
    PageSpec("deals, filtered", lambda w: "/deals/list/?name=Kaveri"),
    PageSpec("deal", lambda w: f"/deals/{w.deal.pk}/", phone=True),
    PageSpec("deal, new", lambda w: "/deals/new/"),
    PageSpec("deal, new with errors", lambda w: "/deals/new/", then=_submit_empty),
    PageSpec("deal, edit", lambda w: f"/deals/{w.deal.pk}/edit/"),
    PageSpec("deal, delete", lambda w: f"/deals/{w.deal.pk}/delete/"),
    PageSpec("leads", lambda w: "/leads/", phone=True),
    PageSpec("leads, nothing found", lambda w: "/leads/?name=nobody-matches-this"),
    PageSpec("lead", lambda w: f"/leads/{w.lead.pk}/", phone=True),
    PageSpec("lead, converted", lambda w: f"/leads/{w.converted_lead.pk}/"),
    PageSpec("lead, new", lambda w: "/leads/new/"),
    PageSpec("lead, edit", lambda w: f"/leads/{w.lead.pk}/edit/"),
    PageSpec("lead, convert", lambda w: f"/leads/{w.lead.pk}/convert/"),
    PageSpec("lead, delete", lambda w: f"/leads/{w.lead.pk}/delete/"),
    PageSpec("composer: note", lambda w: f"/people/{w.person.pk}/", _open_composer_tab("Note")),
    PageSpec("composer: task", lambda w: f"/people/{w.person.pk}/", _open_composer_tab("Task")),
    PageSpec("composer: call", lambda w: f"/people/{w.person.pk}/", _open_composer_tab("Call")),
    PageSpec(
        "composer: meeting", lambda w: f"/people/{w.person.pk}/", _open_composer_tab("Meeting")
    ),
    PageSpec("composer: mention picker", lambda w: f"/people/{w.person.pk}/", _mention_picker),
    PageSpec("my tasks", lambda w: "/tasks/", phone=True),
    PageSpec("notifications", lambda w: "/notifications/", phone=True),
    PageSpec("notifications, unread", lambda w: "/notifications/?show=unread"),
    PageSpec("recycle bin", lambda w: "/recycle-bin/", phone=True),
    PageSpec("possible duplicates", lambda w: "/duplicates/", phone=True),
    PageSpec("search palette", lambda w: "/", then=_open_palette, phone=True),
    PageSpec("account menu", lambda w: "/", then=_open_menu(".user-menu > summary"), phone=True),
    PageSpec("navigation drawer", lambda w: "/", then=_open_navigation, phone=True, desktop=False),
    PageSpec("search results", lambda w: "/search/?q=Kaveri"),
    PageSpec("search, nothing found", lambda w: "/search/?q=nobody-matches-this"),
    PageSpec("profile", lambda w: "/account/"),
    PageSpec("API tokens", lambda w: "/account/tokens/", phone=True),
    PageSpec("sign-in security", lambda w: "/account/security/", phone=True),
    PageSpec("not found", lambda w: "/no-such-page/"),
    PageSpec("person, sharing", lambda w: f"/people/{w.person.pk}/", then=_sharing_card),
    PageSpec("deal, sharing", lambda w: f"/deals/{w.deal.pk}/", then=_sharing_card),
    PageSpec("activity, edit", _first_activity),
    PageSpec("meeting, edit", _first_meeting),
    PageSpec("a declared type's list", lambda w: "/records/gadgets/"),
    # The settings area (a sales rep gets the 403 page, which is checked too).
    PageSpec("settings: users", lambda w: "/settings/users/", phone=True),
    PageSpec("settings: a user", lambda w: f"/settings/users/{w.rep.pk}/"),
    PageSpec("settings: invite", lambda w: "/settings/users/invite/"),
    PageSpec("settings: teams", lambda w: "/settings/teams/"),
    PageSpec("settings: a team", _first_team),
    PageSpec("settings: pipelines", lambda w: "/settings/pipelines/"),
    PageSpec("settings: a pipeline", _first_pipeline),
    PageSpec("settings: company", lambda w: "/settings/company/"),
    PageSpec("settings: field permissions", lambda w: "/settings/fields/?type=person"),
    PageSpec("settings: field permissions of deals", lambda w: "/settings/fields/?type=deal"),
    PageSpec("settings: custom fields", lambda w: "/settings/custom-fields/?type=person"),
    PageSpec("settings: jobs", _jobs_with_a_failure, phone=True),
]


def _reset_link(w: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(w.rep.pk))
    return f"/reset/{uid}/{default_token_generator.make_token(w.rep)}/"


# Pages for a visitor who is not logged in.
ANONYMOUS_PAGES = [
    PageSpec("login", lambda w: "/login/", phone=True),
    PageSpec("login, wrong password", lambda w: "/login/", then=_wrong_password),
    PageSpec("password reset", lambda w: "/password-reset/"),
    PageSpec("password reset, sent", lambda w: "/password-reset/sent/"),
    PageSpec("password reset, new password", _reset_link),
    PageSpec("password reset, expired link", lambda w: "/reset/MQ/not-a-token/"),
    PageSpec("password reset, done", lambda w: "/reset/done/"),
    PageSpec("not found, logged out", lambda w: "/no-such-page/"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _check_pages(
    page: Any, base: str, world: World, who: str, specs: list[PageSpec]
) -> list[Violation]:
    from playwright.sync_api import Error as PlaywrightError

    found: list[Violation] = []
    for spec in specs:
        name = f"{who}: {spec.name}"
        page.goto(base + spec.path(world))
        if spec.then:
            try:
                spec.then(page)
            except (AssertionError, PlaywrightError) as error:
                # Reported with the violations, so one run lists every problem.
                first_line = str(error).strip().splitlines()[0]
                found.append(
                    Violation("state-not-reached", "critical", "", first_line, name, page.url)
                )
                continue
        found += axe_check(page, name)
    return found


def _check_as(browser: Any, base: str, world: World, user: Any, who: str) -> list[Violation]:
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    install_axe(context)
    page = context.new_page()
    if user is not None:
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
    specs = PAGES if user is not None else ANONYMOUS_PAGES
    found = _check_pages(page, base, world, who, [s for s in specs if s.desktop])
    page.set_viewport_size(PHONE)
    found += _check_pages(page, base, world, f"{who} (phone)", [s for s in specs if s.phone])
    context.close()
    return found


def test_no_serious_accessibility_violations_on_any_page(live_server: Any, browser: Any) -> None:
    world = build_world()
    found = _check_as(browser, live_server.url, world, world.admin, "admin")
    found += _check_as(browser, live_server.url, world, world.rep, "sales rep")
    found += _check_as(browser, live_server.url, world, None, "logged out")
    assert not found, report(found)


def test_the_check_reports_what_axe_finds(live_server: Any, browser: Any) -> None:
    """The harness itself: a page given an unnamed link and grey-on-white text fails, naming the
    rules and the elements."""
    context = browser.new_context(viewport=DESKTOP)
    install_axe(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
          const main = document.querySelector("main") || document.body;
          const link = document.createElement("a");
          link.href = "/people/"; link.id = "unnamed-link";
          main.append(link);
          const faint = document.createElement("p");
          faint.id = "faint-text"; faint.textContent = "Hard to read";
          faint.style.setProperty("color", "#d0d5dd");
          faint.style.setProperty("background", "#ffffff");
          main.append(faint);
        }"""
    )
    found = {(v.rule, v.target) for v in axe_check(page, "login")}
    context.close()
    assert ("link-name", "#unnamed-link") in found
    assert ("color-contrast", "#faint-text") in found
