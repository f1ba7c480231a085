"""Pages for people and organizations: lists, record pages, forms. Thin: parse, call one selector
or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sambandh.accounts import policy
from sambandh.accounts.selectors import user_list
from sambandh.activities.forms import panel_context
from sambandh.contacts import selectors, services
from sambandh.contacts.forms import OrganizationForm, PersonForm
from sambandh.contacts.residency import COMMON as COMMON_RESIDENCIES
from sambandh.contacts.views_merge import merge_banner
from sambandh.core.ids import id_or_none
from sambandh.core.listing import ListQuery
from sambandh.core.sensitive import note_values
from sambandh.customfields.forms import record_custom_fields
from sambandh.customfields.lists import custom_list_context, with_custom_fields
from sambandh.dedupe.forms import watch_duplicates
from sambandh.sales import selectors as sales_selectors
from sambandh.web.forms import language_choices, record_ref, typed_name
from sambandh.web.http import AuthedRequest, page
from sambandh.web.lists import Column, ListSpec, list_page
from sambandh.web.recent import remember
from sambandh.web.records import delete_page, record_for_edit, save_form

RELATED_LIMIT = 10
RESIDENCIES = COMMON_RESIDENCIES

PEOPLE = ListSpec(
    key="people",
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", fixed=True, also=("job_title",)),
        Column("email", gettext_lazy("Email"), field="emails"),
        Column("phone", gettext_lazy("Phone"), field="phones"),
        Column("organization", gettext_lazy("Organization"), field="organization"),
        Column("owner", gettext_lazy("Owner"), priority=3),
        Column("tags", gettext_lazy("Tags"), field="tags", priority=3),
        Column("country", gettext_lazy("Country"), default=False, field="country", priority=3),
        Column("updated", gettext_lazy("Updated"), sort="-updated", priority=3),
        Column("created", gettext_lazy("Created"), sort="-created", default=False, priority=3),
    ),
    filters=("name", "owner_id", "tag", "country", "residency", "organization_id", "import"),
    sorts=selectors.PERSON_SORTS,
    default_sort="name",
)

ORGANIZATIONS = ListSpec(
    key="organizations",
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", fixed=True),
        Column("domain", gettext_lazy("Domain"), field="domain"),
        Column("industry", gettext_lazy("Industry"), field="industry", priority=3),
        Column("country", gettext_lazy("Country"), field="country"),
        Column("parent", gettext_lazy("Parent"), default=False, field="parent", priority=3),
        Column("owner", gettext_lazy("Owner"), priority=3),
        Column("tags", gettext_lazy("Tags"), field="tags", priority=3),
        Column("updated", gettext_lazy("Updated"), sort="-updated", priority=3),
        Column("created", gettext_lazy("Created"), sort="-created", default=False, priority=3),
    ),
    filters=("name", "owner_id", "tag", "country", "residency", "industry", "import"),
    sorts=selectors.ORGANIZATION_SORTS,
    default_sort="name",
)


def _users(request: AuthedRequest) -> list[Any]:
    return list(user_list(viewer=request.user))


def _access(request: AuthedRequest, record_type: str) -> Any:
    return policy.field_access(request.user, record_type)


def _require_writer(request: AuthedRequest) -> None:
    if not request.user.can_write:
        raise PermissionDenied(_("Your role can read records but not change them."))


def _list_context(request: AuthedRequest) -> dict[str, Any]:
    from sambandh.contacts.selectors import tag_list
    from sambandh.web.forms import country_choices

    return {
        "users": _users(request),
        "tags": tag_list(),
        "countries": country_choices(),
        "residencies": RESIDENCIES,
    }


# --- people -------------------------------------------------------------------------------------
@page
@require_http_methods(["GET", "POST"])
def person_list(request: AuthedRequest) -> HttpResponse:
    access = policy.field_access(request.user, "person")
    return list_page(
        request,
        spec=with_custom_fields(PEOPLE, "person"),
        select=lambda query: selectors.person_list(viewer=request.user, query=query),
        template="contacts/person_list.html",
        access=access,
        context={**_list_context(request), **custom_list_context("person", access)}
        if request.method == "GET"
        else None,
    )


def _organization_options(request: AuthedRequest) -> list[str]:
    """A first set of choices for organization inputs; typing asks the server for more."""
    page_ = selectors.organization_list(
        viewer=request.user,
        query=ListQuery(sort="-updated", limit=50),
    )
    return [record_ref(o, request.user) for o in page_.items]


def _address_refresh(request: AuthedRequest) -> dict[str, Any] | None:
    """What the form holds when its country changed and it asks for that country's address
    fields (htmx, or the button shown without JavaScript): the form is shown again with it,
    nothing saved. None otherwise (a GET, or a POST that saves)."""
    if "refresh_address" not in request.POST:
        return None
    skip = {"csrfmiddlewaretoken", "refresh_address", "version"}
    return {k: v for k, v in request.POST.items() if k not in skip}


def _person_form_page(
    request: AuthedRequest, form: PersonForm, person: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "contacts/person_form.html",
        {
            "form": watch_duplicates(form, "person") if person is None else form,
            "person": person,
            "conflict": status == 409,
            "organization_options": _organization_options(request),
            "language_options": language_choices(),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest) -> HttpResponse:
    _require_writer(request)
    users = _users(request)
    refresh = _address_refresh(request)
    if request.method == "GET" or refresh:
        initial: dict[str, Any] = refresh or {}
        org_id = id_or_none(request.GET.get("organization"))
        if org_id is not None and not refresh:
            org = selectors.organizations_visible(request.user).filter(pk=org_id).first()
            initial["organization"] = record_ref(org, request.user) if org else ""
        form = PersonForm(
            viewer=request.user, users=users, initial=initial, access=_access(request, "person")
        )
        return _person_form_page(request, form)
    form = PersonForm(
        request.POST, viewer=request.user, users=users, access=_access(request, "person")
    )
    person, status = save_form(
        form,
        lambda data: services.person_create(actor=request.user, data=data),
    )
    if person is None:
        return _person_form_page(request, form, status=status)
    messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
    return redirect("contacts:person_detail", person.pk)


def _note_deals(request: AuthedRequest, deals: list[Any]) -> None:
    """The deals card (contacts/_deals_card.html) shows each deal's amount and expected close
    date the viewer may see: a read of them when marked sensitive."""
    access = policy.field_access(request.user, "deal")
    shown = {k: v for k, v in sales_selectors.DEAL_CARD_VALUES.items() if access.shows(k)}
    note_values(request.user, "deal", deals, shown, via="related")


@page
@require_GET
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(viewer=request.user, person_id=person_id)
    remember(request, "person", person.pk)
    deals = sales_selectors.deal_list(
        viewer=request.user,
        query=ListQuery(filters={"person_id": person.pk}, sort="-updated", limit=RELATED_LIMIT),
    )
    affiliations = person.shown_affiliations  # type: ignore[attr-defined]
    _note_deals(request, deals.items)
    ctx = {
        **policy.record_page(request.user, "person", person),
        "custom_fields": record_custom_fields(request.user, "person", person),
        "deal_show": policy.field_access(request.user, "deal").show,
        "person": person,
        "merged": merge_banner(request, "person", person.pk),
        "deals": deals.items,
        "more_deals": bool(deals.next_cursor),
        "more_deals_url": reverse("sales:deal_list") + f"?person_id={person.pk}",
        "new_deal_query": f"person={person.pk}",
        "current_affiliations": [a for a in affiliations if a.ended_on is None],
        "past_affiliations": [a for a in affiliations if a.ended_on is not None],
        **panel_context(
            viewer=request.user,
            record=person,
            record_type="person",
            kind=request.GET.get("composer", "note"),
            before=request.GET.get("before"),
            query=request.GET,
        ),
    }
    return render(request, "contacts/person_detail.html", ctx)


@page
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = record_for_edit(
        request,
        "person",
        person_id,
        lambda: selectors.person_get_for_update(viewer=request.user, person_id=person_id),
    )
    users = _users(request)
    refresh = _address_refresh(request)
    if request.method == "GET" or refresh:
        form = PersonForm(
            viewer=request.user,
            users=users,
            instance=person,
            initial=refresh,
            access=_access(request, "person"),
        )
        return _person_form_page(request, form, person)
    form = PersonForm(
        request.POST,
        viewer=request.user,
        users=users,
        instance=person,
        access=_access(request, "person"),
    )
    saved, status = save_form(
        form,
        lambda data: services.person_update(
            actor=request.user,
            person=person,
            data=data,
            version=form.cleaned_data.get("version"),
        ),
    )
    if saved is None:
        return _person_form_page(request, form, person, status=status)
    messages.success(request, _("Changes saved."))
    return redirect("contacts:person_detail", person.pk)


@page
@require_http_methods(["GET", "POST"])
def person_delete(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_update(viewer=request.user, person_id=person_id)
    return delete_page(
        request,
        record=person,
        name=person.full_name,
        detail_url=reverse("contacts:person_detail", args=[person.pk]),
        done_url=reverse("contacts:person_list"),
        delete=lambda version: services.person_delete(
            actor=request.user, person=person, version=version
        ),
    )


# --- organizations ------------------------------------------------------------------------------
@page
@require_http_methods(["GET", "POST"])
def organization_list(request: AuthedRequest) -> HttpResponse:
    access = policy.field_access(request.user, "organization")
    return list_page(
        request,
        spec=with_custom_fields(ORGANIZATIONS, "organization"),
        select=lambda query: selectors.organization_list(viewer=request.user, query=query),
        template="contacts/organization_list.html",
        access=access,
        context={**_list_context(request), **custom_list_context("organization", access)}
        if request.method == "GET"
        else None,
    )


def _organization_form_page(
    request: AuthedRequest, form: OrganizationForm, org: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "contacts/organization_form.html",
        {
            "form": watch_duplicates(form, "organization") if org is None else form,
            "organization": org,
            "conflict": status == 409,
            "organization_options": _organization_options(request),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthedRequest) -> HttpResponse:
    _require_writer(request)
    users = _users(request)
    refresh = _address_refresh(request)
    if request.method == "GET" or refresh:
        form = OrganizationForm(
            viewer=request.user,
            users=users,
            initial=refresh,
            access=_access(request, "organization"),
        )
        return _organization_form_page(request, form)
    form = OrganizationForm(
        request.POST, viewer=request.user, users=users, access=_access(request, "organization")
    )
    org, status = save_form(
        form,
        lambda data: services.organization_create(actor=request.user, data=data),
    )
    if org is None:
        return _organization_form_page(request, form, status=status)
    messages.success(request, _("%(name)s was added.") % {"name": org.name})
    return redirect("contacts:organization_detail", org.pk)


@page
@require_GET
def organization_detail(request: AuthedRequest, organization_id: int) -> HttpResponse:
    viewer = request.user
    org = selectors.organization_get(viewer=viewer, organization_id=organization_id)
    remember(request, "organization", org.pk)
    deals = sales_selectors.deal_list(
        viewer=viewer,
        query=ListQuery(filters={"organization_id": org.pk}, sort="-updated", limit=RELATED_LIMIT),
    )
    _note_deals(request, deals.items)
    people = selectors.organization_people(viewer=viewer, organization=org, limit=50)
    person_show = policy.field_access(viewer, "person").show
    if person_show["job_title"]:
        note_values(viewer, "person", people, {"job_title": "job_title"}, via="related")
    ctx = {
        **policy.record_page(viewer, "organization", org),
        "person_show": person_show,
        "custom_fields": record_custom_fields(viewer, "organization", org),
        "deal_show": policy.field_access(viewer, "deal").show,
        "organization": org,
        "merged": merge_banner(request, "organization", org.pk),
        "people": people,
        "children": selectors.organization_children(viewer=viewer, organization=org),
        "deals": deals.items,
        "more_deals": bool(deals.next_cursor),
        "more_deals_url": reverse("sales:deal_list") + f"?organization_id={org.pk}",
        "new_deal_query": f"organization={org.pk}",
        **panel_context(
            viewer=viewer,
            record=org,
            record_type="organization",
            kind=request.GET.get("composer", "note"),
            before=request.GET.get("before"),
            query=request.GET,
        ),
    }
    return render(request, "contacts/organization_detail.html", ctx)


@page
@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthedRequest, organization_id: int) -> HttpResponse:
    org = record_for_edit(
        request,
        "organization",
        organization_id,
        lambda: selectors.organization_get_for_update(
            viewer=request.user, organization_id=organization_id
        ),
    )
    users = _users(request)
    refresh = _address_refresh(request)
    if request.method == "GET" or refresh:
        form = OrganizationForm(
            viewer=request.user,
            users=users,
            instance=org,
            initial=refresh,
            access=_access(request, "organization"),
        )
        return _organization_form_page(request, form, org)
    form = OrganizationForm(
        request.POST,
        viewer=request.user,
        users=users,
        instance=org,
        access=_access(request, "organization"),
    )
    saved, status = save_form(
        form,
        lambda data: services.organization_update(
            actor=request.user,
            organization=org,
            data=data,
            version=form.cleaned_data.get("version"),
        ),
    )
    if saved is None:
        return _organization_form_page(request, form, org, status=status)
    messages.success(request, _("Changes saved."))
    return redirect("contacts:organization_detail", org.pk)


@page
@require_http_methods(["GET", "POST"])
def organization_delete(request: AuthedRequest, organization_id: int) -> HttpResponse:
    org = selectors.organization_get_for_update(
        viewer=request.user,
        organization_id=organization_id,
    )
    return delete_page(
        request,
        record=org,
        name=org.name,
        detail_url=reverse("contacts:organization_detail", args=[org.pk]),
        done_url=reverse("contacts:organization_list"),
        delete=lambda version: services.organization_delete(
            actor=request.user, organization=org, version=version
        ),
    )


# --- lookups for the "Name (#id)" inputs --------------------------------------------------------


@page
@require_GET
def organization_suggest(request: AuthedRequest) -> HttpResponse:
    """``<option>``s for an organization input's datalist, matching what was typed."""
    name = typed_name(request.GET)
    result = selectors.organization_list(
        viewer=request.user,
        query=ListQuery(filters={"name": name}, sort="name", limit=20),
    )
    return render(
        request,
        "contacts/_options.html",
        {"options": [record_ref(o, request.user) for o in result.items]},
    )


@page
@require_GET
def person_suggest(request: AuthedRequest) -> HttpResponse:
    name = typed_name(request.GET)
    result = selectors.person_list(
        viewer=request.user,
        query=ListQuery(filters={"name": name}, sort="name", limit=20),
    )
    return render(
        request,
        "contacts/_options.html",
        {"options": [record_ref(p, request.user) for p in result.items]},
    )
