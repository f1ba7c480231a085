"""A corpus of XSS payloads through every text field of people, organizations, leads, deals,
activities and notes, tags, custom fields, pipelines, teams and user names, then every page that
shows them opened in Chromium: no script runs, no element or attribute of a payload reaches the
page, no template expression is evaluated.

The browser context bypasses the Content-Security-Policy on purpose: the CSP would stop an
inline script that escaping let through, and this test is about the escaping. Each payload sets
``window.__xss`` (or calls ``alert``) if it ever runs, and marks any element it creates with
``data-xss``; a page passes when the flag is unset, no dialog opened, no ``data-xss`` element,
no ``javascript:`` link and no evaluated ``xss{{7*7}}`` exist. One seeded set, each page once.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import require_chromium

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see test_sales_flow.py

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2" data-xss>',
    '"><svg onload="window.__xss=3" data-xss>',
    "'><img src=x onerror=alert(4) data-xss>",
    '<a href="javascript:window.__xss=5" data-xss>x</a>',
    "<svg><script>window.__xss=6</script></svg>",
    '</textarea><img src=x onerror="window.__xss=7" data-xss>',
    '</title><img src=x onerror="window.__xss=8" data-xss>',
    '" autofocus onfocus="window.__xss=9" data-xss="',
    "' onmouseover='window.__xss=10' data-xss='",
    "</script><script>window.__xss=11</script>",
    '<details open ontoggle="window.__xss=12" data-xss>',
    "\\u003cimg src=x onerror=window.__xss=13 data-xss\\u003e",
    "\u003cimg src=x onerror=window.__xss=14 data-xss\u003e",
    '<iframe srcdoc="<script>parent.__xss=15</script>" data-xss></iframe>',
    "xss{{7*7}} ${7*7} <%= 7*7 %>",
    '<math><a xlink:href="javascript:window.__xss=16" data-xss>m</a></math>',
    '<body onload="window.__xss=17" data-xss>',
    "javascript:window.__xss=18//",
    '<input value="" onfocus="window.__xss=19" autofocus data-xss>',
]
#: Everything a payload could leave behind, read in the page.
PROBE = """() => ({
  flag: window.__xss === undefined ? null : String(window.__xss),
  elements: document.querySelectorAll('[data-xss]').length,
  scriptLinks: [...document.querySelectorAll('a[href], area[href]')]
    .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
  evaluated: document.documentElement.innerHTML.includes('xss49'),
  text: document.body.innerText,
})"""


def payload(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)]


def seed() -> dict[str, Any]:
    """Every text field of every record type, one payload each (cycling through the corpus)."""
    from sambandh.customfields.services import custom_field_create
    from sambandh.notifications.services import notify
    from sambandh.sales import services as sales
    from sambandh.sales.models import Stage

    admin = factories.make_user("admin", email="admin@example.com", full_name="Ada Admin")
    team = factories.make_team("Zed " + payload(0))
    rep = factories.make_user(
        "sales_rep", email="rep@example.com", full_name="Zed " + payload(1), team=team
    )
    pipeline = sales.pipeline_create(
        actor=admin,
        name="Zed " + payload(2),
        stages=[
            sales.StageIn(payload(3)[:100], 10),
            sales.StageIn(payload(4)[:100], 50),
            sales.StageIn("Won " + payload(5), 100, Stage.Kind.WON),
            sales.StageIn("Lost " + payload(6), 0, Stage.Kind.LOST),
        ],
    )
    for n, kind in enumerate(("person", "organization", "deal", "lead")):
        custom_field_create(
            actor=admin,
            data={
                "record_type": kind,
                "key": "story",
                "label": "Zed " + payload(7 + n),
                "type": "text",
                "help_text": payload(8 + n),
            },
        )
    org = factories.make_organization(
        rep,
        name="Zed " + payload(8),
        industry=payload(9)[:100],
        description=" ".join(PAYLOADS),
        custom={"story": payload(10)},
    )
    person = factories.make_person(
        rep,
        full_name="Zed " + payload(11),
        given_name="Zed",
        family_name=payload(12)[:100],
        job_title=payload(13),
        source=payload(14),
        description=" ".join(PAYLOADS),
        organization_id=org.pk,
        tags=[("Zed " + p)[:60] for p in PAYLOADS[:6]],
        custom={"story": payload(15)},
    )
    deal = factories.make_deal(
        rep,
        pipeline,
        name="Zed " + payload(16),
        organization_id=org.pk,
        description=" ".join(PAYLOADS),
        custom={"story": payload(17)},
    )
    lead = factories.make_lead(
        rep,
        full_name="Zed " + payload(18),
        company=payload(19),
        job_title=payload(0),
        source=payload(1),
        description=" ".join(PAYLOADS),
        custom={"story": payload(2)},
    )
    activities = []
    for n, (kind, link) in enumerate(
        (
            ("note", {"person_id": person.pk}),
            ("task", {"person_id": person.pk, "assignee": admin}),
            ("call", {"organization_id": org.pk}),
            ("meeting", {"deal_id": deal.pk}),
            ("note", {"lead_id": lead.pk}),
        )
    ):
        activities.append(
            factories.make_activity(
                rep,
                kind,
                subject="Zed " + payload(3 + n),
                body="\n".join(PAYLOADS),
                **link,
            )
        )
    for n, (record_type, record) in enumerate((("person", person), ("deal", deal))):
        notify(
            user_id=admin.pk,
            kind="assigned",
            key=f"xss:{n}",
            record_type=record_type,
            record_id=record.pk,
            actor_id=rep.pk,
        )
    binned = factories.make_person(rep, full_name="Zed binned " + payload(5))
    from sambandh.contacts.services import person_delete

    person_delete(actor=rep, person=binned)
    return {
        "admin": admin,
        "person": person,
        "org": org,
        "deal": deal,
        "lead": lead,
        "pipeline": pipeline,
        "team": team,
        "rep": rep,
        "activity": activities[0],
        "task": activities[1],
    }


def pages(s: dict[str, Any]) -> list[str]:
    p, o, d, lead = s["person"].pk, s["org"].pk, s["deal"].pk, s["lead"].pk
    return [
        "/",
        "/people/",
        "/people/?name=Zed",
        f"/people/{p}/",
        f"/people/{p}/edit/",
        "/organizations/",
        f"/organizations/{o}/",
        f"/organizations/{o}/edit/",
        "/deals/",
        "/deals/list/",
        f"/deals/{d}/",
        f"/deals/{d}/edit/",
        "/leads/",
        f"/leads/{lead}/",
        f"/leads/{lead}/edit/",
        f"/leads/{lead}/convert/",
        f"/activities/{s['activity'].pk}/edit/",
        f"/activities/{s['task'].pk}/edit/",
        "/tasks/",
        "/search/?q=Zed",
        "/search/palette/?q=Zed",
        f"/panel/person/{p}/",
        f"/panel/organization/{o}/",
        f"/panel/deal/{d}/",
        f"/panel/lead/{lead}/",
        "/notifications/",
        "/recycle-bin/",
        "/duplicates/",
        "/settings/users/",
        f"/settings/users/{s['rep'].pk}/",
        "/settings/teams/",
        f"/settings/teams/{s['team'].pk}/",
        "/settings/pipelines/",
        f"/settings/pipelines/{s['pipeline'].pk}/",
        "/settings/custom-fields/?type=person",
        "/settings/custom-fields/?type=deal",
        "/settings/fields/?type=person",
    ]


def _findings(page: Any, path: str, dialogs: list[str]) -> tuple[list[str], str]:
    found = page.evaluate(PROBE)
    problems = []
    if found["flag"] is not None:
        problems.append(f"{path}: payload {found['flag']} ran")
    if found["elements"]:
        problems.append(f"{path}: {found['elements']} element(s) of a payload in the page")
    if found["scriptLinks"]:
        problems.append(f"{path}: {found['scriptLinks']} javascript: link(s)")
    if found["evaluated"]:
        problems.append(f"{path}: a template expression was evaluated (xss49)")
    if dialogs:
        problems.append(f"{path}: dialog(s) {dialogs}")
        dialogs.clear()
    return problems, str(found["text"])


@pytest.fixture
def browser() -> Any:
    require_chromium()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _context(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, dialogs


def test_the_probe_catches_a_payload_that_is_not_escaped(browser: Any) -> None:
    """The harness itself: the same payloads put into a page unescaped are all caught."""
    context, page, dialogs = _context(browser)
    page.set_content("<html><body><p>" + "".join(PAYLOADS[:5]) + "</p></body></html>")
    page.wait_for_timeout(300)

    problems, _text = _findings(page, "unescaped", dialogs)

    context.close()
    assert any("ran" in p for p in problems)
    assert any("element(s) of a payload" in p for p in problems)
    assert any("javascript: link" in p for p in problems)
    assert any("dialog" in p for p in problems)


def test_no_payload_runs_on_any_page(live_server: Any, browser: Any) -> None:
    seeded = seed()
    context, page, dialogs = _context(browser)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", seeded["admin"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    problems: list[str] = []
    shown: dict[str, str] = {}
    for path in pages(seeded):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        found, text = _findings(page, path, dialogs)
        problems += found
        shown[path] = text
    context.close()

    assert problems == []
    # and the payloads were there to be shown, as text
    person_page = shown[f"/people/{seeded['person'].pk}/"]
    assert "Zed " + payload(11) in person_page
    assert payload(13) in person_page
    assert "Zed " + payload(16) in shown["/deals/"]
    assert "Zed " + payload(2) in shown[f"/settings/pipelines/{seeded['pipeline'].pk}/"]
    assert "Zed " + payload(11) in shown["/search/?q=Zed"]
