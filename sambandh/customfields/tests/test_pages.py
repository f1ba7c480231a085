"""Custom fields in the web interface: Settings › Custom fields, the record forms and pages,
and the list pages' filters, sorts, columns and saved views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.contacts.models import Person
from sambandh.core.models import SavedView
from sambandh.customfields.models import CustomField
from sambandh.customfields.services import custom_field_create
from tests.factories import make_person
from tests.web.test_people_pages import person_form

pytestmark = pytest.mark.django_db
SETTINGS = "/settings/custom-fields/"


def _tier(admin):
    return custom_field_create(
        actor=admin,
        data={
            "record_type": "person",
            "key": "tier",
            "label": "Tier",
            "type": "picklist",
            "options": ["gold", "silver"],
        },
    )


def test_an_admin_adds_edits_moves_removes_restores_and_purges_a_field(admin_user, browser_for):
    client = browser_for(admin_user)
    assert client.get(SETTINGS + "?type=person").status_code == 200
    # when the admin adds a picklist
    added = client.post(
        SETTINGS + "?type=person",
        {"label": "Tier", "key": "tier", "type": "picklist", "options": "gold\nsilver\n"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    field = CustomField.objects.get()
    assert (field.record_type, field.key, field.options) == ("person", "tier", ["gold", "silver"])
    second = client.post(
        SETTINGS + "?type=person", {"label": "Size", "key": "size", "type": "number"}
    )
    assert second.status_code == 302
    # a bad one is refused on the form, naming the problem
    bad = client.post(SETTINGS + "?type=person", {"label": "X", "key": "tier", "type": "text"})
    assert bad.status_code == 422
    assert "already has a field" in bad.content.decode()
    # edited
    edited = client.post(
        f"{SETTINGS}{field.pk}/",
        {
            "label": "Level",
            "options": "gold\nsilver\nbronze",
            "required": "on",
            "labels": "hi: स्तर",
        },
    )
    assert edited.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.options, field.required) == (
        "Level",
        ["gold", "silver", "bronze"],
        True,
    )
    assert field.labels == {"hi": "स्तर"}
    # moved down, below "size"
    assert client.post(f"{SETTINGS}{field.pk}/down/").status_code == 302
    assert list(CustomField.objects.order_by("position").values_list("key", flat=True)) == [
        "size",
        "tier",
    ]
    # removed, restored, removed and purged
    client.post(f"{SETTINGS}{field.pk}/remove/")
    field.refresh_from_db()
    assert field.deleted_at is not None
    page = client.get(SETTINGS + "?type=person").content.decode()
    assert "Removed fields" in page
    client.post(f"{SETTINGS}{field.pk}/restore/")
    field.refresh_from_db()
    assert field.deleted_at is None
    client.post(f"{SETTINGS}{field.pk}/remove/")
    client.post(f"{SETTINGS}{field.pk}/purge/")
    assert not CustomField.objects.filter(pk=field.pk).exists()


def test_a_rep_may_not_change_custom_fields(admin_user, owner, browser_for):
    field = _tier(admin_user)
    client = browser_for(owner)
    assert client.get(SETTINGS).status_code == 403
    before = list(CustomField.objects.values_list())
    assert client.post(SETTINGS, {"label": "X", "key": "x", "type": "text"}).status_code == 403
    assert client.post(f"{SETTINGS}{field.pk}/remove/").status_code == 403
    assert client.post(f"{SETTINGS}{field.pk}/", {"label": "Y"}).status_code == 403
    assert list(CustomField.objects.values_list()) == before


def test_the_person_form_sets_and_the_page_shows_a_custom_value(admin_user, owner, browser_for):
    _tier(admin_user)
    client = browser_for(owner)
    form = client.get(reverse("contacts:person_create")).content.decode()
    assert 'name="cf_tier"' in form and '<option value="gold">' in form
    made = client.post(
        reverse("contacts:person_create"), person_form(owner=str(owner.pk), cf_tier="silver")
    )
    assert made.status_code == 302, made.content.decode()[:3000]
    person = Person.objects.get()
    assert person.custom == {"tier": "silver"}
    page = client.get(reverse("contacts:person_detail", args=[person.pk])).content.decode()
    assert 'data-custom-field="tier"' in page and "silver" in page
    # a value outside the options is refused on the field, nothing changed
    edit = reverse("contacts:person_edit", args=[person.pk])
    refused = client.post(
        edit, person_form(owner=str(owner.pk), cf_tier="bronze", version=str(person.version))
    )
    assert refused.status_code in (200, 422)
    assert "bronze" in refused.content.decode()
    person.refresh_from_db()
    assert person.custom == {"tier": "silver"}


def test_the_people_list_filters_sorts_shows_and_saves_a_custom_field(
    admin_user, owner, browser_for
):
    _tier(admin_user)
    gold = make_person(owner, full_name="Asha", custom={"tier": "gold"})
    silver = make_person(owner, full_name="Bela", custom={"tier": "silver"})
    client = browser_for(owner)
    url = reverse("contacts:person_list")
    filtered = client.get(url, {"custom.tier": "gold", "cols": "name,custom.tier"})
    assert filtered.status_code == 200
    body = filtered.content.decode()
    assert "Asha" in body
    assert 'data-custom-filter="custom.tier"' in body
    assert [p.pk for p in filtered.context["rows"]] == [gold.pk]
    ordered = client.get(url, {"sort": "-custom.tier"})
    assert [p.pk for p in ordered.context["rows"]] == [silver.pk, gold.pk]
    # a saved view keeps the filter, the sort and the column
    saved = client.post(
        url,
        {
            "_action": "save_view",
            "view_name": "Gold",
            "custom.tier": "gold",
            "sort": "-custom.tier",
            "cols": "name,custom.tier",
        },
    )
    assert saved.status_code == 302
    view = SavedView.objects.get()
    assert (view.filters, view.sort) == ({"custom.tier": "gold"}, "-custom.tier")
    assert "custom.tier" in view.columns
    opened = client.get(url, {"view": view.pk})
    assert [p.pk for p in opened.context["rows"]] == [gold.pk]


@pytest.mark.parametrize("kind", ["deal", "lead"])
def test_the_deal_and_lead_forms_set_a_custom_value(admin_user, owner, pipeline, browser_for, kind):
    from sambandh.sales.models import Deal, Lead
    from tests.web.test_deal_pages import deal_form
    from tests.web.test_lead_pages import lead_form

    custom_field_create(
        actor=admin_user,
        data={"record_type": kind, "key": "renewal", "label": "Renewal", "type": "date"},
    )
    client = browser_for(owner)
    url = reverse(f"sales:{kind}_create")
    assert 'name="cf_renewal"' in client.get(url).content.decode()
    form = (
        deal_form(pipeline, owner=str(owner.pk))
        if kind == "deal"
        else lead_form(owner=str(owner.pk))
    )
    made = client.post(url, {**form, "cf_renewal": "2026-05-01"})
    assert made.status_code == 302, made.content.decode()[:3000]
    record = (Deal if kind == "deal" else Lead).objects.get()
    assert record.custom == {"renewal": "2026-05-01"}
    page = client.get(made["Location"]).content.decode()
    assert 'data-custom-field="renewal"' in page


@pytest.mark.parametrize("kind", ["deal", "lead"])
def test_the_deal_and_lead_lists_filter_sort_and_show_a_custom_field(
    admin_user, owner, pipeline, browser_for, kind
):
    from tests.factories import make_deal, make_lead

    custom_field_create(
        actor=admin_user,
        data={
            "record_type": kind,
            "key": "region",
            "label": "Sales region",
            "type": "picklist",
            "options": ["north", "south"],
        },
    )

    def make(name, region):
        if kind == "deal":
            return make_deal(owner, pipeline, name=name, custom={"region": region})
        return make_lead(owner, full_name=name, custom={"region": region})

    north, south = make("Alpha", "north"), make("Beta", "south")
    client = browser_for(owner)
    url = reverse(f"sales:{kind}_list")
    # filtered by the field, with its column shown
    filtered = client.get(url, {"custom.region": "south", "cols": "name,custom.region"})
    assert filtered.status_code == 200
    assert [r.pk for r in filtered.context["rows"]] == [south.pk]
    body = filtered.content.decode()
    assert 'data-custom-filter="custom.region"' in body
    assert "Sales region" in body and ">south</td>" in body
    # sorted by it both ways
    ascending = client.get(url, {"sort": "custom.region"})
    assert [r.pk for r in ascending.context["rows"]] == [north.pk, south.pk]
    descending = client.get(url, {"sort": "-custom.region"})
    assert [r.pk for r in descending.context["rows"]] == [south.pk, north.pk]
    # a value that is not one of the options finds nothing; a field that does not exist is not
    # a filter of the page (a hand-edited link shows the whole list)
    assert list(client.get(url, {"custom.region": "east"}).context["rows"]) == []
    unknown = client.get(url, {"custom.nope": "x"})
    assert {r.pk for r in unknown.context["rows"]} == {north.pk, south.pk}


def test_the_note_composer_and_the_activity_form_set_a_custom_value(admin_user, owner, browser_for):
    from sambandh.activities.models import Activity

    custom_field_create(
        actor=admin_user,
        data={
            "record_type": "activity",
            "key": "channel",
            "label": "Channel",
            "type": "picklist",
            "options": ["phone", "whatsapp"],
        },
    )
    person = make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    page = client.get(reverse("contacts:person_detail", args=[person.pk])).content.decode()
    assert 'name="cf_channel"' in page
    # a note with the field set, through the composer
    made = client.post(
        reverse("activities:activity_create"),
        {
            "kind": "note",
            "record_type": "person",
            "record_id": person.pk,
            "body": "Spoke on WhatsApp",
            "cf_channel": "whatsapp",
        },
    )
    assert made.status_code in (200, 302), made.content.decode()[:2000]
    note = Activity.objects.get(person=person)
    assert note.custom == {"channel": "whatsapp"}
    # and changed through the activity's form, which shows it
    edit = reverse("activities:activity_edit", args=[note.pk])
    assert 'name="cf_channel"' in client.get(edit).content.decode()
    saved = client.post(
        edit, {"body": "Spoke on the phone", "cf_channel": "phone", "version": note.version}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    note.refresh_from_db()
    assert (note.body, note.custom) == ("Spoke on the phone", {"channel": "phone"})
    # a value not among the options is refused on the form, and nothing changes
    refused = client.post(edit, {"body": "x", "cf_channel": "fax", "version": note.version})
    assert refused.status_code != 302
    note.refresh_from_db()
    assert note.custom == {"channel": "phone"}


def _partner(admin):
    return custom_field_create(
        actor=admin,
        data={
            "record_type": "person",
            "key": "partner",
            "label": "Partner",
            "type": "lookup",
            "target": "organization",
        },
    )


def test_a_lookup_field_is_picked_by_name_and_never_shows_an_id(admin_user, owner, browser_for):
    from tests.factories import make_organization

    # given a lookup to organizations on people, and two of the owner's organizations
    _partner(admin_user)
    kestrel = make_organization(owner, name="Kestrel Analytics", domain="kestrel.example")
    make_organization(owner, name="Kite Logistics")
    client = browser_for(owner)

    # the form's input suggests organizations as the built-in pickers do, from what is typed
    form = client.get(reverse("contacts:person_create")).content.decode()
    assert 'name="cf_partner"' in form and 'list="cf_partner-options"' in form
    assert '<datalist id="cf_partner-options"></datalist>' in form
    suggested = client.get("/lookup/organization/", {"cf_partner": "kes"}).content.decode()
    assert suggested == '<option value="Kestrel Analytics · kestrel.example">\n'

    # when the owner picks it by name
    made = client.post(
        reverse("contacts:person_create"),
        person_form(owner=str(owner.pk), cf_partner="Kestrel Analytics · kestrel.example"),
    )

    # then the id is stored, and the edit form shows the name again
    assert made.status_code == 302, made.content.decode()[:3000]
    person = Person.objects.get()
    assert person.custom == {"partner": kestrel.pk}
    edit = client.get(reverse("contacts:person_edit", args=[person.pk])).content.decode()
    assert 'value="Kestrel Analytics · kestrel.example"' in edit
    assert f"#{kestrel.pk}" not in edit

    # a name that names nothing is refused on the field, and nothing changed
    refused = client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        person_form(owner=str(owner.pk), cf_partner="Nowhere Ltd", version=str(person.version)),
    )
    assert "Nothing called “Nowhere Ltd” was found" in refused.content.decode()
    person.refresh_from_db()
    assert person.custom == {"partner": kestrel.pk}


def test_the_lookup_suggestions_hold_only_what_the_viewer_may_see(owner, outsider, browser_for):
    from tests.factories import make_organization

    make_organization(owner, name="Kestrel Analytics")
    make_organization(outsider, name="Kestrel Secret")
    client = browser_for(owner)
    answer = client.get("/lookup/organization/", {"q": "kestrel"}).content.decode()
    assert answer == '<option value="Kestrel Analytics">\n'
    assert client.get("/lookup/spaceship/", {"q": "x"}).status_code == 404


def test_an_empty_lookup_input_keeps_a_link_to_a_record_the_viewer_may_not_see(
    admin_user, owner, outsider, browser_for
):
    from tests.factories import make_organization

    # given a person of the owner's linked by an earlier write to the outsider's organization
    # (one the owner may not see)
    _partner(admin_user)
    theirs = make_organization(outsider, name="Secretive Partners")
    person = make_person(owner, full_name="Asha")
    Person.objects.filter(pk=person.pk).update(custom={"partner": theirs.pk})
    person.refresh_from_db()
    client = browser_for(owner)

    # the edit form names nothing, and saving it with the input empty keeps the link
    edit = client.get(reverse("contacts:person_edit", args=[person.pk])).content.decode()
    assert (
        "Secretive Partners" not in edit and str(theirs.pk) not in edit.split("cf_partner")[1][:200]
    )
    saved = client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        person_form(
            owner=str(owner.pk), full_name="Asha R", cf_partner="", version=str(person.version)
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    person.refresh_from_db()
    assert (person.full_name, person.custom) == ("Asha R", {"partner": theirs.pk})


def test_a_help_text_is_shown_as_text_not_markup(admin_user, owner, browser_for):
    """An administrator's help text is text: the form escapes it (a stored script there ran on
    every edit form of the record type, found by tests/browser/test_xss_corpus.py)."""
    from sambandh.customfields.services import custom_field_create
    from tests.factories import make_person

    custom_field_create(
        actor=admin_user,
        data={
            "record_type": "person",
            "key": "story",
            "label": "Story",
            "type": "text",
            "help_text": "</script><script>window.__xss=1</script> <b>bold</b>",
        },
    )
    person = make_person(owner, full_name="Asha Rao")

    html = browser_for(owner).get(f"/people/{person.pk}/edit/").content.decode()

    assert "<script>window.__xss" not in html and "<b>bold</b>" not in html
    assert (
        "&lt;/script&gt;&lt;script&gt;window.__xss=1&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    )
