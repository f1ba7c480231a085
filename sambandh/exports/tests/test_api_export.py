"""GET /api/v1/<records>/export: the records and fields the viewer may see, the list's filters,
machine formats, formula injection neutralized, and one audit row per export."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sambandh.accounts.services_access import field_permission_set
from sambandh.core.audit import values_after
from sambandh.core.models import AuditEvent
from sambandh.exports.tests.conftest import csv_header, read_csv, read_xlsx
from tests.api.helpers import assert_error
from tests.factories import (
    make_activity,
    make_deal,
    make_lead,
    make_organization,
    make_person,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/export"
INJECTIONS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rReturn"]


def _hide(admin, record_type, field):
    field_permission_set(
        actor=admin, record_type=record_type, field=field, hidden_from=["sales_rep"]
    )


def test_csv_holds_the_viewers_records_in_machine_formats(api, owner, outsider):
    org = make_organization(owner, name="Kestrel Analytics")
    asha = make_person(
        owner,
        full_name="Asha Rao",
        given_name="Asha",
        family_name="Rao",
        email="Asha@Kestrel.example",
        phone="+91 98765 43210",
        organization_id=org.pk,
        country="IN",
        tags=["vip", "buyer"],
    )
    make_person(outsider, full_name="Not Yours")

    rows = read_csv(api(owner).get(URL, {"format": "csv"}))

    assert [r["Name"] for r in rows] == ["Asha Rao"]
    row = rows[0]
    assert row["ID"] == str(asha.pk)
    assert row["Given name"] == "Asha" and row["Family name"] == "Rao"
    assert row["Email"] == "asha@kestrel.example"
    # E.164, and quoted: a cell starting with "+" is read as a formula by a spreadsheet.
    assert row["Phone"] == "'+919876543210"
    assert row["Organization"] == "Kestrel Analytics"
    assert row["Organization ID"] == str(org.pk)
    assert row["Country"] == "IN"
    assert row["Tags"] == "buyer; vip"
    assert row["Owner"] == "Olivia Owner"
    asha.refresh_from_db()
    assert row["Created"] == asha.created_at.isoformat().replace("+00:00", "Z")


def test_a_link_to_an_organization_the_viewer_may_not_see_shows_neither_name_nor_id(
    api, owner, outsider
):
    hidden_org = make_organization(outsider, name="Secret Corp")
    make_person(owner, full_name="Linked")
    from sambandh.contacts.models import Person

    Person.objects.filter(full_name="Linked").update(organization=hidden_org)

    rows = read_csv(api(owner).get(URL, {"format": "csv"}))

    assert rows[0]["Organization"] == "" and rows[0]["Organization ID"] == ""


def test_a_hidden_field_is_absent_not_blank(api, admin_user, owner):
    make_person(owner, full_name="Asha", phone="+91 98765 43210", job_title="Buyer")
    _hide(admin_user, "person", "phones")

    header = csv_header(api(owner).get(URL, {"format": "csv"}))
    admin_header = csv_header(api(admin_user).get(URL, {"format": "csv"}))

    assert "Phone" not in header and "Phone numbers" not in header
    assert "Job title" in header
    assert {"Phone", "Phone numbers"} <= set(admin_header)
    wb = read_xlsx(api(owner).get(URL, {"format": "xlsx"}))
    titles = [c.value for c in next(wb.active.iter_rows(max_row=1))]
    assert "Phone" not in titles and "Job title" in titles


def test_hidden_custom_field_absent_and_visible_ones_typed(api, admin_user, owner, custom_fields):
    make_person(
        owner,
        full_name="Asha",
        custom={
            "note": "=HYPERLINK(1)",
            "score": -12.5,
            "budget": {"amount": "40.5", "currency": "EUR"},
        },
    )
    rows = read_csv(api(owner).get(URL, {"format": "csv"}))
    assert rows[0]["Note"] == "'=HYPERLINK(1)"
    assert rows[0]["Score"] == "-12.5"  # a number: not quoted
    assert rows[0]["Budget"] == "40.50" and rows[0]["Budget (currency)"] == "EUR"

    _hide(admin_user, "person", "custom.score")
    header = csv_header(api(owner).get(URL, {"format": "csv"}))
    assert "Score" not in header and "Note" in header


@pytest.mark.parametrize("value", INJECTIONS)
def test_formula_injection_is_neutralized_in_csv(api, owner, value):
    from sambandh.contacts.models import Person

    person = make_person(owner, full_name="Asha")
    # Stored as is (data from before write-time cleaning, or a path that does not trim).
    Person.objects.filter(pk=person.pk).update(job_title=value)
    rows = read_csv(api(owner).get(URL, {"format": "csv"}))
    assert rows[0]["Job title"] == "'" + value


def test_formula_injection_in_xlsx_is_text_and_negative_numbers_stay_numbers(
    api, owner, custom_fields
):
    for i, value in enumerate(["=1+2", "+SUM(A1)", "-2+3", "@cmd"]):
        make_person(owner, full_name=f"P{i}", job_title=value, custom={"score": -12.5})

    wb = read_xlsx(api(owner).get(URL, {"format": "xlsx", "sort": "name"}))
    sheet = wb.active
    rows = list(sheet.iter_rows(values_only=False))
    titles = [c.value for c in rows[0]]
    job, score = titles.index("Job title"), titles.index("Score")
    cells = [r[job] for r in rows[1:]]
    assert [c.value for c in cells] == ["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert all(c.data_type == "s" for c in cells)  # strings, never formulas
    assert [r[score].value for r in rows[1:]] == [-12.5] * 4
    assert all(r[score].data_type == "n" for r in rows[1:])


def test_the_lists_filters_and_sort(api, owner, teammate):
    make_person(owner, full_name="Bina Shah", country="IN", tags=["vip"])
    make_person(owner, full_name="Asha Rao", country="IN")
    make_person(owner, full_name="Carlos Souza", country="BR")

    def names(params):
        return [r["Name"] for r in read_csv(api(owner).get(URL, {"format": "csv", **params}))]

    assert names({"country": "IN"}) == ["Asha Rao", "Bina Shah"]
    assert names({"country": "IN", "sort": "-name"}) == ["Bina Shah", "Asha Rao"]
    assert names({"tag": "vip"}) == ["Bina Shah"]
    assert names({"name": "souza"}) == ["Carlos Souza"]
    assert names({"owner_id": teammate.pk}) == []


def test_a_custom_field_filter(api, owner, custom_fields):
    make_person(owner, full_name="High", custom={"score": 90})
    make_person(owner, full_name="Low", custom={"score": 10})
    rows = read_csv(api(owner).get(URL, {"format": "csv", "custom.score.min": "50"}))
    assert [r["Name"] for r in rows] == ["High"]


def test_bad_requests_are_refused_and_record_nothing(api, admin_user, owner):
    make_person(owner, full_name="Asha", phone="+91 98765 43210")
    _hide(admin_user, "person", "emails")
    before = AuditEvent.objects.filter(action="export").count()

    assert_error(api(owner).get(URL, {"format": "pdf"}), 422, "validation_failed")
    assert_error(api(owner).get(URL, {"format": "csv", "colour": "red"}), 422, "validation_failed")
    assert_error(api(owner).get(URL, {"email": "a@b.example"}), 422, "validation_failed")
    assert_error(api(owner).get(URL, {"sort": "nonsense"}), 422, "validation_failed")
    deals = api(owner).get("/api/v1/deals/export", {"format": "vcf"})
    assert_error(deals, 422, "validation_failed")
    from django.test import Client

    assert Client().get(URL).status_code == 401
    assert AuditEvent.objects.filter(action="export").count() == before


def test_every_export_is_audited_with_its_filter_format_and_rows(api, owner):
    make_person(owner, full_name="Asha Rao", country="IN")
    make_person(owner, full_name="Bina Shah", country="IN")
    make_person(owner, full_name="Carlos Souza", country="BR")

    read_csv(api(owner).get(URL, {"format": "csv", "country": "IN"}))
    read_xlsx(api(owner).get(URL, {"format": "xlsx"}))

    csv_row, xlsx_row = AuditEvent.objects.filter(action="export").order_by("id")
    assert csv_row.actor == owner and csv_row.record_type == "person"
    assert values_after(csv_row) == {
        "format": "csv",
        "filters": {"country": "IN"},
        "sort": "name",
        "rows": 2,
        "complete": True,
    }
    assert values_after(xlsx_row)["format"] == "xlsx" and values_after(xlsx_row)["rows"] == 3


def test_deals_export_amounts_as_numbers_with_their_currency(api, owner, outsider, pipeline):
    org = make_organization(owner, name="Kestrel")
    seen = make_person(owner, full_name="Seen Person")
    unseen = make_person(outsider, full_name="Unseen Person")
    deal = make_deal(
        owner,
        pipeline,
        name="Renewal",
        amount="1234.50",
        currency="EUR",
        organization_id=org.pk,
        person_ids=[seen.pk],
        expected_close_date="2027-01-31",
    )
    from sambandh.sales.models import Deal

    Deal.objects.get(pk=deal.pk).people.add(unseen)
    make_deal(outsider, pipeline, name="Theirs")

    rows = read_csv(api(owner).get("/api/v1/deals/export", {"format": "csv"}))
    assert [r["Name"] for r in rows] == ["Renewal"]
    assert rows[0]["Amount"] == "1234.50" and rows[0]["Currency"] == "EUR"
    assert rows[0]["Expected close date"] == "2027-01-31"
    assert rows[0]["People"] == "Seen Person" and rows[0]["People IDs"] == str(seen.pk)
    assert rows[0]["Stage"] == "Qualified" and rows[0]["Pipeline"] == pipeline.name

    wb = read_xlsx(api(owner).get("/api/v1/deals/export", {"format": "xlsx"}))
    values = list(wb.active.iter_rows(values_only=True))
    amount = values[0].index("Amount")
    assert Decimal(str(values[1][amount])) == Decimal("1234.5")


def test_leads_and_organizations_export(api, owner, outsider):
    make_lead(owner, full_name="Lead One", company="Acme", email="lead@acme.example")
    make_lead(outsider, full_name="Lead Two")
    parent = make_organization(owner, name="Parent Co")
    make_organization(
        owner, name="Child Co", parent_id=parent.pk, emails=[{"email": "hi@child.example"}]
    )

    leads = read_csv(api(owner).get("/api/v1/leads/export", {"format": "csv"}))
    assert [(r["Name"], r["Company"]) for r in leads] == [("Lead One", "Acme")]
    orgs = read_csv(api(owner).get("/api/v1/organizations/export", {"format": "csv"}))
    child = next(r for r in orgs if r["Name"] == "Child Co")
    assert child["Parent organization"] == "Parent Co"
    assert child["Email addresses"] == "hi@child.example"


def test_headers_in_the_users_language(api, owner):
    owner.language = "hi"
    owner.save(update_fields=["language"])
    make_person(owner, full_name="Asha")
    header = csv_header(api(owner).get(URL, {"format": "csv"}))
    from django.utils import translation

    with translation.override("hi"):
        from django.utils.translation import gettext

        expected = gettext("Job title")
    assert expected != "Job title"  # the catalogue has it
    assert expected in header


# --- activities --------------------------------------------------------------------------------
def test_activities_export_with_links_the_viewer_may_see(api, owner, outsider):
    asha = make_person(owner, full_name="Asha Rao")
    hidden = make_person(outsider, full_name="Hidden Person")
    make_activity(owner, "call", subject="=Renewal call", person_id=asha.pk, duration_seconds=300)
    make_activity(outsider, "note", subject="Not yours", person_id=hidden.pk)

    rows = read_csv(api(owner).get("/api/v1/activities/export", {"format": "csv"}))

    assert [r["Subject"] for r in rows] == ["'=Renewal call"]  # formula neutralized
    row = rows[0]
    assert row["Kind"] == "call" and row["Duration (seconds)"] == "300"
    assert row["Person"] == "Asha Rao" and row["Person ID"] == str(asha.pk)
    assert row["Author"] == "Olivia Owner"
    audit = AuditEvent.objects.filter(action="export", record_type="activity").latest("id")
    assert values_after(audit)["rows"] == 1


def test_an_activity_linked_to_a_hidden_record_shows_neither_its_name_nor_its_id(
    api, owner, outsider
):
    from sambandh.activities.models import Activity

    asha = make_person(owner, full_name="Asha Rao")
    hidden = make_person(outsider, full_name="Hidden Person")
    note = make_activity(owner, "note", subject="Met both", person_id=asha.pk)
    # a second link, to a person the owner may not see, written as another writer would
    hidden_org = make_organization(outsider, name="Hidden Org")
    Activity.objects.filter(pk=note.pk).update(organization=hidden_org)

    resp = api(owner).get("/api/v1/activities/export", {"format": "xlsx"})
    sheet = read_xlsx(resp).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header, data = values[0], values[1:]
    row = dict(zip(header, data[0], strict=True))
    assert row["Subject"] == "Met both" and row["Person"] == "Asha Rao"
    assert row["Organization"] is None and row["Organization ID"] is None
    flat = " ".join(str(v) for r in values for v in r)
    assert "Hidden Org" not in flat and str(hidden_org.pk) != row["Organization ID"]
    assert "Hidden Person" not in flat and hidden.pk


# --- a search result -----------------------------------------------------------------------------
def test_a_search_result_exports_the_records_the_search_finds(api, owner, outsider):
    asha = make_person(owner, full_name="Asha Rao", email="asha@kestrel.example")
    make_person(owner, full_name="Ravi Kumar")
    make_person(outsider, full_name="Asha Hidden")
    make_organization(owner, name="Asha Textiles")

    resp = api(owner).get(URL, {"format": "csv", "search": "asha"})

    assert [r["ID"] for r in read_csv(resp)] == [str(asha.pk)]
    audit = AuditEvent.objects.filter(action="export", record_type="person").latest("id")
    assert values_after(audit)["filters"] == {"search": "asha"}
    orgs = read_csv(
        api(owner).get("/api/v1/organizations/export", {"format": "csv", "search": "asha"})
    )
    assert [r["Name"] for r in orgs] == ["Asha Textiles"]
    # nothing found: an empty file, not every record
    assert read_csv(api(owner).get(URL, {"format": "csv", "search": "zzzz"})) == []
