from __future__ import annotations

import datetime as dt

import pytest

from sambandh.contacts.models import Person
from tests import factories
from tests.browser.session import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_shots(browser, live_server):
    owner = factories.make_user("sales_rep", email="te@example.com", full_name="శ్రీనివాస్ రెడ్డి", time_zone="Asia/Kolkata", language="te")
    org = factories.make_organization(owner, name="టాటా మోటార్స్", time_zone="Asia/Kolkata")
    person = factories.make_person(owner, full_name="ఆశా రావు", organization_id=org.pk, time_zone="Asia/Kolkata", job_title="మేనేజర్")
    Person.objects.filter(pk=person.pk).update(created_at=dt.datetime(2026, 9, 1, 13, 51, tzinfo=dt.UTC))
    factories.make_deal(owner, name="ఫ్లీట్ రెన్యువల్", amount="1234567.89", currency="INR", organization_id=org.pk, person_ids=[person.pk])
    factories.make_activity(owner, "meeting", subject="సమీక్ష", person_id=person.pk, occurred_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC))
    base = live_server.url
    context, page = signed_in(browser, base, owner)
    for digits in (False, True):
        owner.native_digits = digits
        owner.save(update_fields=["native_digits"])
        page.goto(f"{base}/people/{person.pk}/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=f"/tmp/localetz_shots/person-te-digits-{'on' if digits else 'off'}.png", full_page=True)
        print(page.evaluate("document.fonts.check('16px \"Noto Sans Telugu\"', 'తెలుగు')"))
    r = page.request.get(f"{base}/static/web/fonts/noto-sans-telugu-telugu-400-normal.woff2")
    print("woff2", r.status, r.headers.get("content-type"))
    r = page.request.get(f"{base}/static/web/fonts/fonts.css")
    print("css", r.status)
    context.close()
