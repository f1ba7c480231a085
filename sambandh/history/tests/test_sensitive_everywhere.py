"""Every place a sensitive value reaches a user records the read: with every markable field of
every record type marked, each page and API answer below is fetched, and every marked value it
shows (found by its marker, sensitive_world.py) must be named by a "read" row of that request,
for that record and field. A new page that shows a sensitive value without recording it fails
here once it is added to ``PAGES`` or ``API``."""

from __future__ import annotations

import pytest

from sambandh.contacts.views import ORGANIZATIONS, PEOPLE
from sambandh.core.models import AuditEvent
from sambandh.history.tests import sensitive_world
from sambandh.sales.views import DEALS, LEADS

pytestmark = pytest.mark.django_db


def _every_column(path, spec, custom=()):
    """A list page with every column shown (most are off by default), the custom ones too."""
    return ("owner", path + "?cols=" + ",".join([*(c.key for c in spec.columns), *custom]))


#: Web pages, as (who, path); {name} is an id of the world.
PAGES = [
    _every_column(
        "/people/", PEOPLE, [f"custom.{key}" for key, *_ in sensitive_world.CUSTOM_FIELDS]
    ),
    _every_column("/organizations/", ORGANIZATIONS),
    _every_column("/deals/list/", DEALS),
    _every_column("/leads/", LEADS),
    ("owner", "/"),
    ("owner", "/people/"),
    ("owner", "/people/{person}/"),
    ("owner", "/people/{person}/edit/"),
    ("owner", "/people/suggest/?person_0=Asha"),
    ("owner", "/people/{person}/consents/"),
    ("owner", "/people/{person}/email/"),
    ("owner", "/organizations/"),
    ("owner", "/organizations/{organization}/"),
    ("owner", "/organizations/{organization}/edit/"),
    ("owner", "/organizations/suggest/?organization=Kestrel"),
    ("owner", "/deals/"),
    ("owner", "/deals/list/"),
    ("owner", "/deals/{deal}/"),
    ("owner", "/deals/{deal}/edit/"),
    ("owner", "/deals/{deal}/email/"),
    ("owner", "/deals/new/?person={person}"),
    ("owner", "/leads/"),
    ("owner", "/leads/{lead}/"),
    ("owner", "/leads/{lead}/edit/"),
    ("owner", "/leads/{lead}/convert/"),
    ("owner", "/tasks/"),
    ("owner", "/activities/{note}/edit/"),
    ("owner", "/activities/{call}/edit/"),
    ("owner", "/timeline/person/{person}/"),
    ("owner", "/timeline/deal/{deal}/"),
    ("owner", "/panel/person/{person}/"),
    ("owner", "/panel/organization/{organization}/"),
    ("owner", "/panel/deal/{deal}/"),
    ("owner", "/panel/lead/{lead}/"),
    ("owner", "/inline/person/{person}/job_title/"),
    ("owner", "/inline/person/{person}/job_title/?show=1"),
    ("owner", "/inline/deal/{deal}/amount/"),
    ("owner", "/inline/lead/{lead}/company/?show=1"),
    ("owner", "/lookup/person/?x=Asha"),
    ("owner", "/lookup/organization/?x=Kestrel"),
    ("owner", "/search/?q=asha"),
    ("owner", "/search/palette/?q=asha"),
    ("owner", "/people/merge/?ids={person},{twin}"),
    ("owner", "/history/person/{person}/"),
    ("owner", "/history/deal/{deal}/"),
    ("owner", "/attachments/person/{person}/"),
    ("owner", "/notifications/"),
    ("admin", "/settings/audit/"),
    ("admin", "/duplicates/"),
    ("admin", "/recycle-bin/"),
]

#: API reads, as (who, path).
API = [
    ("owner", "/people/{person}"),
    ("owner", "/people"),
    ("owner", "/organizations/{organization}"),
    ("owner", "/deals/{deal}"),
    ("owner", "/deals"),
    ("owner", "/leads/{lead}"),
    ("owner", "/activities/{call}"),
    ("owner", "/activities"),
    ("owner", "/tasks"),
    ("owner", "/tasks/{task}"),
    ("owner", "/people/{person}/timeline"),
    ("owner", "/deals/{deal}/timeline"),
    ("owner", "/organizations/{organization}/timeline"),
    ("owner", "/people/{person}/consents"),
    ("owner", "/search?q=asha"),
    ("admin", "/audit?record_type=person"),
    ("admin", "/recycle-bin"),
]


@pytest.fixture
def world(owner, admin_user, pipeline):
    return sensitive_world.build(owner, admin_user, pipeline)


def _sweep(fetch, items, world, seen=None):
    failures = []
    for who, path in items:
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        resp = fetch(who, path.format(**world.ids))
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        rows = list(AuditEvent.objects.filter(id__gt=before, action="read"))
        if resp.status_code != 200:
            failures.append(f"{who} {path}: answered {resp.status_code}")
            continue
        text = body.decode(errors="replace")
        missing = sensitive_world.unrecorded(world, text, rows)
        if missing:
            failures.append(f"{who} {path} ({resp.status_code}): {', '.join(missing)}")
        if seen is not None:
            seen.update(sensitive_world.shown(world, text))
    return failures


def test_every_page_that_shows_a_sensitive_value_records_it(owner, admin_user, browser_for, world):
    clients = {"owner": browser_for(owner), "admin": browser_for(admin_user)}
    seen: set = set()
    failures = _sweep(lambda who, path: clients[who].get(path), PAGES, world, seen)
    assert failures == [], "\n".join(failures)
    # Every marker is found somewhere (on the record's own pages at least): a value written in a
    # way no marker matches would pass the sweep unseen.
    unseen = [f"{t}.{name}" for t, _, name in world.markers.values() if (t, name) not in seen]
    assert unseen == []


def test_every_api_answer_that_shows_a_sensitive_value_records_it(owner, admin_user, api, world):
    clients = {"owner": api(owner), "admin": api(admin_user)}
    seen: set = set()
    failures = _sweep(lambda who, path: clients[who].get("/api/v1" + path), API, world, seen)
    assert failures == [], "\n".join(failures)
    unseen = [f"{t}.{name}" for t, _, name in world.markers.values() if (t, name) not in seen]
    assert unseen == []
