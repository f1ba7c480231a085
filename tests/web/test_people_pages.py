"""The people pages: list (filters, sort, columns, saved views, pages), record page, forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambandh.contacts import services
from sambandh.contacts.models import Person, PhoneNumber
from sambandh.contacts.schemas import PersonIn
from sambandh.core.models import SavedView
from tests import factories
from tests.web.helpers import count_queries, text

pytestmark = pytest.mark.django_db

LIST = reverse("contacts:person_list")


def person_form(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "Asha",
        "family_name": "Rao",
        "full_name": "",
        "job_title": "CTO",
        "organization": "",
        "owner": "",
        "tags": "vip, partner",
        "email_0": "asha@example.in",
        "email_label_0": "work",
        "phone_0": "+91 98765 43210",
        "phone_label_0": "mobile",
        "country": "IN",
        "time_zone": "Asia/Kolkata",
        "preferred_language": "te",
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------------------
def test_list_shows_the_owners_people_and_not_others(owner, outsider, browser_for):
    # given a person of the owner's and one of the outsider's
    factories.make_person(owner, full_name="Asha Rao", phone="+91 98765 43210")
    factories.make_person(outsider, full_name="Oscar Secret")

    # when the owner opens the list
    response = browser_for(owner).get(LIST)

    # then only the owner's person is there, with the phone in international form
    assert response.status_code == 200
    body = text(response)
    assert "Asha Rao" in body
    assert "+91 98765 43210" in body
    assert "Oscar Secret" not in body


def test_list_filters_by_name_tag_and_country(owner, browser_for):
    # given three people
    factories.make_person(owner, full_name="Asha Rao", country="IN")
    factories.make_person(owner, full_name="Ashok Iyer", country="IN")
    bruno = factories.make_person(owner, full_name="Asha Bruno", country="BR")
    services.person_update(
        actor=owner, person=bruno, data=PersonIn.build({"tags": ["vip"]}), version=None
    )
    client = browser_for(owner)

    # when filtering by name and country, then by tag
    by_country = text(client.get(LIST, {"name": "asha", "country": "IN"}))
    by_tag = text(client.get(LIST, {"tag": "VIP"}))

    # then each filter narrows the rows
    assert "Asha Rao" in by_country
    assert "Ashok Iyer" not in by_country
    assert "Asha Bruno" not in by_country
    assert "Asha Bruno" in by_tag
    assert "Asha Rao" not in by_tag


def test_list_sorts_by_clicking_the_name_header(owner, browser_for):
    # given two people
    factories.make_person(owner, full_name="Aarav Shah")
    factories.make_person(owner, full_name="Zoya Khan")
    client = browser_for(owner)

    # when the list is sorted by name, then by name descending (the header's next link)
    ascending = text(client.get(LIST))
    descending = text(client.get(LIST, {"sort": "-name"}))

    # then the order follows, and the header offers the opposite order
    assert ascending.index("Aarav Shah") < ascending.index("Zoya Khan")
    assert descending.index("Zoya Khan") < descending.index("Aarav Shah")
    assert 'aria-sort="ascending"' in ascending
    assert 'href="?sort=-name"' in ascending
    assert 'aria-sort="descending"' in descending


def test_list_shows_only_the_chosen_columns(owner, browser_for):
    # given a person with an email
    factories.make_person(owner, full_name="Asha Rao", email="asha@example.in")

    # when the columns are name and country only
    response = browser_for(owner).get(LIST, {"cols": "country"})

    # then the email column is gone and the country column is there
    body = text(response)
    assert "asha@example.in" not in body
    assert ">Country" in body
    assert response.context["state"].columns == ["name", "country"]


def test_list_pages_with_a_cursor_and_no_total(owner, browser_for, settings):
    # given 55 people (the page holds 50)
    for i in range(55):
        factories.make_person(owner, full_name=f"Person {i:02d}")
    client = browser_for(owner)

    # when opening page one and following "Next"
    first = client.get(LIST)
    cursor = first.context["next_cursor"]
    second = client.get(LIST, {"cursor": cursor})

    # then page two holds the last five, and offers the first page back
    assert len(first.context["rows"]) == 50
    assert [p.full_name for p in second.context["rows"]] == [f"Person {i}" for i in range(50, 55)]
    assert second.context["next_cursor"] is None
    assert "First page" in text(second)


def test_a_bad_cursor_is_explained_not_a_crash(owner, browser_for):
    # given one person
    factories.make_person(owner, full_name="Asha Rao")

    # when the cursor is garbage
    response = browser_for(owner).get(LIST, {"cursor": "not-a-cursor"})

    # then the list opens from the start with the reason shown
    assert response.status_code == 200
    assert "The cursor is not valid." in text(response)
    assert "Asha Rao" in text(response)


def test_empty_list_invites_to_add_the_first_person(owner, browser_for):
    response = browser_for(owner).get(LIST)
    assert "No people yet" in text(response)
    assert reverse("contacts:person_create") in text(response)


def test_saved_view_is_created_listed_applied_and_deleted(owner, browser_for):
    # given people in two countries
    factories.make_person(owner, full_name="Asha Rao", country="IN")
    factories.make_person(owner, full_name="Bruno Lima", country="BR")
    client = browser_for(owner)

    # when the owner saves "India" with a country filter, a sort and two columns
    saved = client.post(
        LIST,
        {
            "_action": "save_view",
            "view_name": "India",
            "country": "IN",
            "sort": "-name",
            "cols": ["email", "country"],
        },
    )
    view = SavedView.objects.get(owner=owner, list_key="people")

    # then the view holds that state and opening its tab applies it
    assert saved.status_code == 302
    assert saved["Location"] == f"{LIST}?view={view.pk}"
    assert (view.name, view.filters, view.sort, view.columns) == (
        "India",
        {"country": "IN"},
        "-name",
        ["name", "email", "country"],
    )
    opened = client.get(LIST, {"view": view.pk})
    assert [p.full_name for p in opened.context["rows"]] == ["Asha Rao"]
    assert opened.context["active_view"] == view
    assert ">India" in text(opened).replace("\n", "").replace("  ", "")

    # and deleting it removes it
    deleted = client.post(LIST, {"_action": "delete_view", "view_id": view.pk})
    assert deleted.status_code == 302
    assert SavedView.objects.filter(pk=view.pk).exists() is False


def test_saved_view_without_a_name_is_refused(owner, browser_for):
    response = browser_for(owner).post(
        LIST, {"_action": "save_view", "view_name": " "}, follow=True
    )
    assert "This field is required." in text(response)
    assert SavedView.objects.count() == 0


def test_outsider_cannot_delete_someone_elses_view(owner, outsider, browser_for):
    # given the owner's private view
    view = SavedView.objects.create(owner=owner, list_key="people", name="Mine")

    # when the outsider posts its deletion
    response = browser_for(outsider).post(LIST, {"_action": "delete_view", "view_id": view.pk})

    # then it is not found for them and stays
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_list_query_count_does_not_grow_with_rows(owner, browser_for):
    # given 5 people with tags and organizations, then 25
    org = factories.make_organization(owner, name="Acme")
    client = browser_for(owner)

    def add(n: int) -> None:
        for _ in range(n):
            person = factories.make_person(owner, organization_id=org.pk, phone="+14155550100")
            services.person_update(
                actor=owner,
                person=person,
                data=PersonIn.build({"tags": ["vip", f"t{person.pk}"]}),
                version=None,
            )

    add(5)
    with_five = count_queries(client, LIST)
    add(20)
    with_twenty_five = count_queries(client, LIST)

    # then: session, user, users for the owner filter, tags, saved views, the page's ids
    # (owned and shared merged), page, its owners, its tags
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+1: the teams the selection bar offers to share with, bulk/templatetags/bulk.py)
    # (+1: the company's settings, which name the country of a viewer whose own settings do
    # not, for showing phone numbers national or international: accounts/regions.py)
    # (+1: the fields marked sensitive of the listed type, whose shown values are an audited
    # read: core/sensitive.py)
    assert with_five == with_twenty_five == 15


# --- record page ----------------------------------------------------------------------------------
def test_record_page_shows_the_persons_details(owner, browser_for):
    # given a person at an organization with two phones and a deal
    org = factories.make_organization(owner, name="Acme India")
    person = services.person_create(
        actor=owner,
        data=PersonIn.build(
            {
                "full_name": "Asha Rao",
                "job_title": "CTO",
                "organization_id": org.pk,
                "emails": [services.EmailIn("asha@example.in", "work")],
                "phones": [
                    services.PhoneIn("+91 98765 43210", "mobile"),
                    services.PhoneIn("+1 415 555 0100"),
                ],
            }
        ),
    )

    # when the owner opens the person
    response = browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk]))

    # then the name, organization, every phone formatted and the composer are there
    body = text(response)
    assert response.status_code == 200
    assert "Asha Rao" in body
    assert "Acme India" in body
    assert "+91 98765 43210" in body
    assert "+1 415-555-0100" in body
    assert "asha@example.in" in body
    assert 'id="composer"' in body
    assert 'id="activity-panel"' in body


def test_record_page_of_someone_elses_person_is_not_found(owner, outsider, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(outsider).get(reverse("contacts:person_detail", args=[person.pk]))
    assert response.status_code == 404


def test_record_page_shows_past_affiliations(owner, browser_for):
    # given a person who moved from one organization to another
    first = factories.make_organization(owner, name="Old Corp")
    second = factories.make_organization(owner, name="New Corp")
    person = factories.make_person(owner, full_name="Asha Rao", organization_id=first.pk)
    services.person_update(
        actor=owner,
        person=person,
        data=PersonIn.build({"organization_id": second.pk}),
        version=None,
    )

    # when the record page opens
    response = browser_for(owner).get(reverse("contacts:person_detail", args=[person.pk]))

    # then the current one is current and the old one is history
    assert [a.organization.name for a in response.context["current_affiliations"]] == ["New Corp"]
    assert [a.organization.name for a in response.context["past_affiliations"]] == ["Old Corp"]


def test_record_page_query_count_does_not_grow(owner, pipeline, browser_for):
    # given a person with 5, then 25, activities, emails and deals
    org = factories.make_organization(owner, name="Acme")
    person = factories.make_person(owner, full_name="Asha Rao", organization_id=org.pk)
    client = browser_for(owner)
    url = reverse("contacts:person_detail", args=[person.pk])
    emails: list[services.EmailIn] = []

    def add(n: int) -> None:
        for _ in range(n):
            factories.make_activity(owner, "note", person_id=person.pk)
            factories.make_activity(owner, "task", person_id=person.pk)
            deal = factories.make_deal(owner, pipeline)
            deal.people.add(person)
            emails.append(services.EmailIn(f"a{len(emails)}@example.in"))
        services.person_update(
            actor=owner,
            person=person,
            data=PersonIn.build({"emails": emails[:20], "tags": ["vip"]}),
            version=None,
        )

    add(5)
    with_five = count_queries(client, url)
    add(20)
    with_twenty_five = count_queries(client, url)

    # then: session, user, person + 5 prefetches, deals (ids, rows, stages, pipelines, owners,
    # tags), activities, stage changes
    # (+1: the viewer's field rules, accounts/policy.py field_access)
    # (+1: the custom field definitions, read once per request: customfields/selectors.py)
    # (+1: the unread count of the notification bell in the top bar)
    # (+2: the attachments panel, and the files of the timeline's page: sambandh/attachments)
    # (+1: the notes pinned to the top of the timeline, activities/selectors.py)
    # (+1: the consent ledger, with who recorded each row: sambandh/consents)
    # (+1: the fields marked sensitive, whose reads are audited: history/sensitive.py)
    assert with_five == with_twenty_five == 24


# --- forms ----------------------------------------------------------------------------------------
def test_create_person_with_phones_and_emails(owner, browser_for):
    # given an organization
    org = factories.make_organization(owner, name="Acme India")

    # when the owner submits the form, picking the organization from the list
    response = browser_for(owner).post(
        reverse("contacts:person_create"),
        person_form(
            owner=str(owner.pk),
            organization=f"Acme India (#{org.pk})",
            phone_1="(415) 555-0100",
            phone_label_1="US",
        ),
    )

    # then the person exists with clean values and the browser goes to the record page
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:person_detail", args=[person.pk])
    assert person.full_name == "Asha Rao"
    assert person.organization_id == org.pk
    assert person.phone == "+919876543210"
    assert sorted(PhoneNumber.objects.values_list("e164", flat=True)) == [
        "+914155550100",
        "+919876543210",
    ]
    assert sorted(t.name for t in person.tags.all()) == ["partner", "vip"]


def test_create_person_with_a_bad_phone_shows_the_error_on_that_row(owner, browser_for):
    # when the second phone is not a phone number
    response = browser_for(owner).post(
        reverse("contacts:person_create"),
        person_form(owner=str(owner.pk), phone_1="12", email_0="not-an-email"),
    )

    # then the form comes back with both messages on their rows, and nothing is written
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["phone_1"] == ["“12” is not a valid phone number in India."]
    assert form.errors["email_0"] == ["“not-an-email” is not a valid email address."]
    assert form["phone_1"].value() == "12"
    assert Person.objects.count() == 0


def test_create_person_without_any_name_is_refused(owner, browser_for):
    response = browser_for(owner).post(
        reverse("contacts:person_create"),
        person_form(owner=str(owner.pk), given_name="", family_name="", full_name=""),
    )
    assert response.context["form"].errors["full_name"] == [
        "Enter a name: a full name, or a given or family name."
    ]
    assert Person.objects.count() == 0


def test_create_person_with_an_unknown_organization_is_refused(owner, outsider, browser_for):
    # given the outsider's organization, which the owner cannot see
    hidden = factories.make_organization(outsider, name="Hidden Ltd")

    # when the owner names it by id
    response = browser_for(owner).post(
        reverse("contacts:person_create"),
        person_form(owner=str(owner.pk), organization=f"Hidden Ltd (#{hidden.pk})"),
    )

    # then it is not found and nothing is written
    assert (
        "Nothing called “Hidden Ltd” was found."
        in response.context["form"].errors["organization"][0]
    )
    assert Person.objects.count() == 0


def test_edit_person_saves_and_bumps_the_version(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao", phone="+919876543210")
    client = browser_for(owner)
    url = reverse("contacts:person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else str(v)) for k, v in form.initial.items()}
    data.update(job_title="CEO", full_name="Asha Rao", phone_0="+919876543210")

    response = client.post(url, data)

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.job_title, person.version) == ("CEO", 2)


def test_edit_with_a_stale_version_keeps_the_input_and_writes_nothing(owner, browser_for):
    # given a person the owner opened at version 1, then someone else changed
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(owner)
    url = reverse("contacts:person_edit", args=[person.pk])
    services.person_update(
        actor=owner, person=person, data=PersonIn.build({"job_title": "CTO"}), version=1
    )

    # when the owner saves their version-1 form
    response = client.post(url, person_form(owner=str(owner.pk), version="1", job_title="CFO"))

    # then they see the conflict, their typing is still in the form, and nothing changed
    person.refresh_from_db()
    assert response.status_code == 409
    assert "This record was changed by someone else" in text(response)
    assert response.context["form"]["job_title"].value() == "CFO"
    assert (person.job_title, person.version) == ("CTO", 2)


def test_outsider_cannot_edit_or_delete(owner, outsider, browser_for):
    # given the owner's person
    person = factories.make_person(owner, full_name="Asha Rao")
    client = browser_for(outsider)

    # when the outsider posts an edit and a deletion
    edit = client.post(
        reverse("contacts:person_edit", args=[person.pk]), person_form(owner=str(outsider.pk))
    )
    delete = client.post(reverse("contacts:person_delete", args=[person.pk]))

    # then both are not found and the person is unchanged
    person.refresh_from_db()
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert (person.full_name, person.version) == ("Asha Rao", 1)


def test_read_only_user_gets_403_on_the_create_form(readonly, browser_for):
    response = browser_for(readonly).get(reverse("contacts:person_create"))
    assert response.status_code == 403


def test_delete_person(owner, browser_for):
    person = factories.make_person(owner, full_name="Asha Rao")
    response = browser_for(owner).post(
        reverse("contacts:person_delete", args=[person.pk]), {"version": "1"}
    )
    assert response.status_code == 302
    assert Person.objects.filter(pk=person.pk).exists() is False


def test_organization_suggestions_are_limited_to_visible_ones(owner, outsider, browser_for):
    factories.make_organization(owner, name="Acme India", domain="acme.in")
    factories.make_organization(outsider, name="Acme Secret")
    response = browser_for(owner).get(reverse("contacts:organization_suggest"), {"q": "acme"})
    # the name with what tells it apart, never an internal id
    assert '<option value="Acme India · acme.in">' in text(response)
    assert "(#" not in text(response)
    assert "Acme Secret" not in text(response)


def test_a_submitted_filter_form_is_answered_with_the_short_link(owner, browser_for):
    response = browser_for(owner).get(
        LIST + "?name=asha&owner_id=&tag=&country=IN&cols=email&cols=country"
    )
    assert response.status_code == 302
    assert response["Location"] == LIST + "?name=asha&country=IN&cols=name%2Cemail%2Ccountry"


def test_the_pager_offers_page_sizes_and_shows_as_many_rows(owner, browser_for):
    # given 30 people
    for i in range(30):
        factories.make_person(owner, full_name=f"Kumar {i:02d}")
    client = browser_for(owner)

    # when the list is shown 25 a page
    page = client.get(LIST, {"per_page": "25"}).content.decode()

    # then 25 rows, a next page keeping the size, and the sizes offered, the current one marked
    assert page.count('class="row-link"') == 25
    assert 'rel="next"' in page and "per_page=25&amp;cursor=" in page
    assert '<span class="pager-size" aria-current="true">25</span>' in page
    assert '<a class="pager-size" href="/people/">50</a>' in page
    # the filter form keeps the size when a filter changes
    assert '<input type="hidden" name="per_page" value="25">' in page
