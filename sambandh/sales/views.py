"""Pages for deals (kanban, list, record, forms) and leads. Thin: parse, call one selector or
service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sambandh.accounts import policy
from sambandh.accounts.selectors import user_list
from sambandh.activities.forms import panel_context
from sambandh.contacts import selectors as contacts_selectors
from sambandh.contacts.selectors import tag_list
from sambandh.core.errors import Conflict, NotFound, ValidationFailed
from sambandh.core.ids import id_or_none
from sambandh.core.listing import ListQuery
from sambandh.core.sensitive import note_answered_anyway, note_values
from sambandh.customfields.forms import record_custom_fields
from sambandh.customfields.lists import custom_list_context, with_custom_fields
from sambandh.dedupe.forms import watch_duplicates
from sambandh.sales import selectors, services
from sambandh.sales.board_cards import board_context
from sambandh.sales.forms import DealForm, LeadConvertForm, LeadForm
from sambandh.sales.models import Deal, Lead
from sambandh.web.forms import language_choices, record_ref
from sambandh.web.http import AuthedRequest, is_htmx, page, safe_next
from sambandh.web.lists import Column, ListSpec, list_page
from sambandh.web.recent import remember
from sambandh.web.records import delete_page, posted_version, record_for_edit, save_form

DEALS = ListSpec(
    key="deals",
    columns=(
        Column("name", gettext_lazy("Deal"), sort="name", fixed=True),
        Column("organization", gettext_lazy("Organization"), field="organization", priority=3),
        Column("stage", gettext_lazy("Stage")),
        Column(
            "amount", gettext_lazy("Amount"), sort="-amount", field="amount", also=("currency",)
        ),
        Column("status", gettext_lazy("Status"), default=False, priority=3),
        Column("close", gettext_lazy("Close date"), field="expected_close_date", priority=3),
        Column("owner", gettext_lazy("Owner"), priority=3),
        Column("tags", gettext_lazy("Tags"), default=False, field="tags", priority=4),
        Column("pipeline", gettext_lazy("Pipeline"), default=False, priority=4),
        Column("updated", gettext_lazy("Updated"), sort="-updated", priority=4),
        Column("created", gettext_lazy("Created"), sort="-created", default=False, priority=4),
    ),
    filters=(
        "name",
        "owner_id",
        "pipeline_id",
        "stage_id",
        "status",
        "tag",
        "currency",
        "organization_id",
        "person_id",
        "import",
    ),
    sorts=selectors.DEAL_SORTS,
    default_sort="-updated",
)

LEADS = ListSpec(
    key="leads",
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", fixed=True, also=("job_title",)),
        Column("company", gettext_lazy("Company"), field="company"),
        Column("email", gettext_lazy("Email"), field="email", priority=3),
        Column("phone", gettext_lazy("Phone"), field="phone", priority=3),
        Column("status", gettext_lazy("Status"), field="status"),
        Column("source", gettext_lazy("Source"), default=False, field="source", priority=4),
        Column("owner", gettext_lazy("Owner"), priority=3),
        Column("tags", gettext_lazy("Tags"), default=False, field="tags", priority=4),
        Column("created", gettext_lazy("Created"), sort="-created", priority=4),
        Column("updated", gettext_lazy("Updated"), sort="-updated", default=False, priority=4),
    ),
    filters=("name", "owner_id", "status", "source", "tag", "import"),
    sorts=selectors.LEAD_SORTS,
    default_sort="-created",
)

STATUS_BADGES = {"open": "badge-blue", "won": "badge-green", "lost": "badge-red"}
LEAD_BADGES = {
    "new": "badge-blue",
    "contacted": "badge-amber",
    "qualified": "badge-green",
    "unqualified": "badge-gray",
    "converted": "badge-accent",
}


def _users(request: AuthedRequest) -> list[Any]:
    return list(user_list(viewer=request.user))


def _access(request: AuthedRequest, record_type: str) -> Any:
    return policy.field_access(request.user, record_type)


def _require_writer(request: AuthedRequest) -> None:
    if not request.user.can_write:
        raise PermissionDenied(_("Your role can read records but not change them."))


# --- the kanban -------------------------------------------------------------------------------
BOARD_FILTERS = ("owner_id", "name")


def _board_filters(request: AuthedRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:200] for k in BOARD_FILTERS if request.GET.get(k)}


def _pipeline_for(request: AuthedRequest, pipelines: list[Any], pipeline_id: Any = None) -> Any:
    wanted = id_or_none(pipeline_id or request.GET.get("pipeline"))
    chosen = next((p for p in pipelines if p.pk == wanted), None)
    if wanted is not None and chosen is None:
        raise NotFound(_("No such pipeline."))
    return chosen or next(
        (p for p in pipelines if p.is_default), pipelines[0] if pipelines else None
    )


@page
@require_GET
def deal_board(request: AuthedRequest) -> HttpResponse:
    pipelines = selectors.pipeline_list()
    pipeline = _pipeline_for(request, pipelines)
    filters = _board_filters(request)
    ctx = {
        "pipelines": pipelines,
        "users": _users(request),
        **board_context(request, pipeline, filters),
    }
    return render(request, "sales/deal_board.html", ctx)


@page
@require_POST
def deal_move(request: AuthedRequest, deal_id: int) -> HttpResponse:
    """Move a deal to another stage (drag and drop, Alt+arrow, or the card's "Move to" menu).

    htmx gets the re-rendered board (id="board"); a stale card gets the board with a message and
    409. Other browsers are sent back to where they came from."""
    deal = selectors.deal_get_for_update(viewer=request.user, deal_id=deal_id)
    error, status = "", 200
    stage_id = id_or_none(request.POST.get("stage"))
    try:
        if stage_id is None:
            raise ValidationFailed(fields={"stage": _("Choose a stage.")})
        deal = services.deal_move_stage(
            actor=request.user,
            deal=deal,
            stage_id=stage_id,
            version=posted_version(request),
            reason=request.POST.get("reason", ""),
        )
    except Conflict as exc:
        error, status = exc.message, 409
    except ValidationFailed as exc:
        error, status = " ".join([*exc.fields.values()]) or exc.message, 422
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("%(deal)s moved to %(stage)s.") % {"deal": deal.name, "stage": deal.stage},
            )
        return redirect(
            safe_next(request, reverse("sales:deal_board") + f"?pipeline={deal.pipeline_id}")
        )
    pipelines = selectors.pipeline_list()
    pipeline = next((p for p in pipelines if p.pk == deal.pipeline_id), None)
    ctx = board_context(request, pipeline, _board_filters(request), error)
    if status != 200:
        note_answered_anyway(request.user)  # the board shown again beside the error
    return render(request, "sales/_board.html", ctx, status=status)


# --- the deal list ----------------------------------------------------------------------------
@page
@require_http_methods(["GET", "POST"])
def deal_list(request: AuthedRequest) -> HttpResponse:
    access = policy.field_access(request.user, "deal")
    context = None
    if request.method == "GET":
        pipelines = selectors.pipeline_list()
        context = {
            "users": _users(request),
            "tags": tag_list(),
            "pipelines": pipelines,
            "statuses": Deal.Status.choices,
            "status_badges": STATUS_BADGES,
            **custom_list_context("deal", access),
        }
    return list_page(
        request,
        spec=with_custom_fields(DEALS, "deal"),
        select=lambda query: selectors.deal_list(viewer=request.user, query=query),
        template="sales/deal_list.html",
        access=access,
        context=context,
    )


# --- deal record, forms -----------------------------------------------------------------------
def _deal_form_page(
    request: AuthedRequest, form: DealForm, deal: Any = None, status: int = 200
) -> HttpResponse:
    orgs = contacts_selectors.organization_list(
        viewer=request.user,
        query=ListQuery(sort="-updated", limit=50),
    )
    people = contacts_selectors.person_list(
        viewer=request.user,
        query=ListQuery(sort="-updated", limit=50),
    )
    return render(
        request,
        "sales/deal_form.html",
        {
            "form": form,
            "deal": deal,
            "conflict": status == 409,
            "organization_options": [record_ref(o, request.user) for o in orgs.items],
            "person_options": [record_ref(p, request.user) for p in people.items],
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def deal_create(request: AuthedRequest) -> HttpResponse:
    _require_writer(request)
    users, pipelines = _users(request), selectors.pipeline_list()
    if request.method == "GET":
        initial: dict[str, Any] = {}
        if pid := id_or_none(request.GET.get("pipeline")):
            initial["pipeline"] = str(pid)
        if sid := id_or_none(request.GET.get("stage")):
            initial["stage"] = str(sid)
        if oid := id_or_none(request.GET.get("organization")):
            org = contacts_selectors.organizations_visible(request.user).filter(pk=oid).first()
            initial["organization"] = record_ref(org, request.user) if org else ""
        if person_id := id_or_none(request.GET.get("person")):
            person = (
                contacts_selectors.people_visible(request.user)
                .select_related("organization")
                .filter(pk=person_id)
                .first()
            )
            if person is not None:
                initial["person_0"] = record_ref(person, request.user)
                policy.show_links(
                    request.user, [person], record_type="person", field="organization"
                )
                shown = getattr(person, "shown_organization", None)
                if shown is not None and "organization" not in initial:
                    initial["organization"] = record_ref(shown, request.user)
        form = DealForm(
            viewer=request.user,
            users=users,
            pipelines=pipelines,
            initial=initial,
            access=_access(request, "deal"),
        )
        return _deal_form_page(request, form)
    form = DealForm(
        request.POST,
        viewer=request.user,
        users=users,
        pipelines=pipelines,
        access=_access(request, "deal"),
    )
    deal, status = save_form(
        form,
        lambda data: services.deal_create(actor=request.user, data=data),
    )
    if deal is None:
        return _deal_form_page(request, form, status=status)
    messages.success(request, _("%(name)s was added.") % {"name": deal.name})
    return redirect("sales:deal_detail", deal.pk)


@page
@require_GET
def deal_stage_options(request: AuthedRequest) -> HttpResponse:
    """The stage ``<option>``s of the pipeline chosen in the deal form."""
    pipeline = selectors.pipeline_get(pipeline_id=id_or_none(request.GET.get("pipeline")) or 0)
    stages = pipeline.active_stages  # type: ignore[attr-defined]  # prefetched by the selector
    return render(request, "sales/_stage_options.html", {"stages": stages})


@page
@require_GET
def deal_detail(request: AuthedRequest, deal_id: int) -> HttpResponse:
    deal = selectors.deal_get(viewer=request.user, deal_id=deal_id)
    remember(request, "deal", deal.pk)
    pipeline = selectors.pipeline_get(pipeline_id=deal.pipeline_id)
    person_show = policy.field_access(request.user, "person").show
    # The people card shows their job title and phone number (sales/deal_detail.html).
    shown = {"job_title": "job_title", "phone": "phones"}
    shown = {attr: name for attr, name in shown.items() if person_show[name]}
    note_values(request.user, "person", deal.people.all(), shown, via="related")
    ctx = {
        **policy.record_page(request.user, "deal", deal),
        "custom_fields": record_custom_fields(request.user, "deal", deal),
        "person_show": person_show,
        "deal": deal,
        "path_stages": pipeline.active_stages,  # type: ignore[attr-defined]
        "stage_history": selectors.deal_stage_history(deal=deal),
        "status_badge": STATUS_BADGES.get(deal.status, "badge-gray"),
        **panel_context(
            viewer=request.user,
            record=deal,
            record_type="deal",
            kind=request.GET.get("composer", "note"),
            before=request.GET.get("before"),
            query=request.GET,
        ),
    }
    return render(request, "sales/deal_detail.html", ctx)


@page
@require_http_methods(["GET", "POST"])
def deal_edit(request: AuthedRequest, deal_id: int) -> HttpResponse:
    deal = record_for_edit(
        request,
        "deal",
        deal_id,
        lambda: selectors.deal_get_for_update(viewer=request.user, deal_id=deal_id),
    )
    users, pipelines = _users(request), selectors.pipeline_list()
    if request.method == "GET":
        form = DealForm(
            viewer=request.user,
            users=users,
            pipelines=pipelines,
            instance=deal,
            access=_access(request, "deal"),
        )
        return _deal_form_page(request, form, deal)
    form = DealForm(
        request.POST,
        viewer=request.user,
        users=users,
        pipelines=pipelines,
        instance=deal,
        access=_access(request, "deal"),
    )

    saved, status = save_form(
        form,
        lambda data: services.deal_update(
            actor=request.user,
            deal=deal,
            data=data,
            version=form.cleaned_data.get("version"),
        ),
    )
    if saved is None:
        return _deal_form_page(request, form, deal, status=status)
    messages.success(request, _("Changes saved."))
    return redirect("sales:deal_detail", deal.pk)


@page
@require_http_methods(["GET", "POST"])
def deal_delete(request: AuthedRequest, deal_id: int) -> HttpResponse:
    deal = selectors.deal_get_for_update(viewer=request.user, deal_id=deal_id)
    return delete_page(
        request,
        record=deal,
        name=deal.name,
        detail_url=reverse("sales:deal_detail", args=[deal.pk]),
        done_url=reverse("sales:deal_board") + f"?pipeline={deal.pipeline_id}",
        delete=lambda version: services.deal_delete(actor=request.user, deal=deal, version=version),
    )


# --- leads --------------------------------------------------------------------------------------
@page
@require_http_methods(["GET", "POST"])
def lead_list(request: AuthedRequest) -> HttpResponse:
    access = policy.field_access(request.user, "lead")
    context = None
    if request.method == "GET":
        context = {
            "users": _users(request),
            "tags": tag_list(),
            "statuses": Lead.Status.choices,
            "status_badges": LEAD_BADGES,
            **custom_list_context("lead", access),
        }
    return list_page(
        request,
        spec=with_custom_fields(LEADS, "lead"),
        select=lambda query: selectors.lead_list(viewer=request.user, query=query),
        template="sales/lead_list.html",
        access=access,
        context=context,
    )


def _lead_form_page(
    request: AuthedRequest, form: LeadForm, lead: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "sales/lead_form.html",
        {
            "form": watch_duplicates(form, "lead") if lead is None else form,
            "lead": lead,
            "conflict": status == 409,
            "language_options": language_choices(),
        },
        status=status,
    )


@page
@require_http_methods(["GET", "POST"])
def lead_create(request: AuthedRequest) -> HttpResponse:
    _require_writer(request)
    users = _users(request)
    if request.method == "GET":
        return _lead_form_page(
            request, LeadForm(viewer=request.user, users=users, access=_access(request, "lead"))
        )
    form = LeadForm(request.POST, viewer=request.user, users=users, access=_access(request, "lead"))
    lead, status = save_form(
        form,
        lambda data: services.lead_create(actor=request.user, data=data),
    )
    if lead is None:
        return _lead_form_page(request, form, status=status)
    messages.success(request, _("%(name)s was added.") % {"name": lead.full_name})
    return redirect("sales:lead_detail", lead.pk)


@page
@require_GET
def lead_detail(request: AuthedRequest, lead_id: int) -> HttpResponse:
    lead = selectors.lead_get(viewer=request.user, lead_id=lead_id)
    remember(request, "lead", lead.pk)
    ctx = {
        **policy.record_page(request.user, "lead", lead),
        "custom_fields": record_custom_fields(request.user, "lead", lead),
        "lead": lead,
        "status_badge": LEAD_BADGES.get(lead.status, "badge-gray"),
        "is_converted": lead.status == Lead.Status.CONVERTED,
        **panel_context(
            viewer=request.user,
            record=lead,
            record_type="lead",
            kind=request.GET.get("composer", "note"),
            before=request.GET.get("before"),
            query=request.GET,
        ),
    }
    return render(request, "sales/lead_detail.html", ctx)


@page
@require_http_methods(["GET", "POST"])
def lead_edit(request: AuthedRequest, lead_id: int) -> HttpResponse:
    lead = record_for_edit(
        request,
        "lead",
        lead_id,
        lambda: selectors.lead_get_for_update(viewer=request.user, lead_id=lead_id),
    )
    users = _users(request)
    if request.method == "GET":
        form = LeadForm(
            viewer=request.user, users=users, instance=lead, access=_access(request, "lead")
        )
        return _lead_form_page(request, form, lead)
    form = LeadForm(
        request.POST,
        viewer=request.user,
        users=users,
        instance=lead,
        access=_access(request, "lead"),
    )
    saved, status = save_form(
        form,
        lambda data: services.lead_update(
            actor=request.user,
            lead=lead,
            data=data,
            version=form.cleaned_data.get("version"),
        ),
    )
    if saved is None:
        return _lead_form_page(request, form, lead, status=status)
    messages.success(request, _("Changes saved."))
    return redirect("sales:lead_detail", lead.pk)


@page
@require_http_methods(["GET", "POST"])
def lead_delete(request: AuthedRequest, lead_id: int) -> HttpResponse:
    lead = selectors.lead_get_for_update(viewer=request.user, lead_id=lead_id)
    return delete_page(
        request,
        record=lead,
        name=lead.full_name,
        detail_url=reverse("sales:lead_detail", args=[lead.pk]),
        done_url=reverse("sales:lead_list"),
        delete=lambda version: services.lead_delete(actor=request.user, lead=lead, version=version),
    )


@page
@require_http_methods(["GET", "POST"])
def lead_convert(request: AuthedRequest, lead_id: int) -> HttpResponse:
    lead = selectors.lead_get_for_update(viewer=request.user, lead_id=lead_id)
    if lead.status == Lead.Status.CONVERTED:
        messages.info(request, _("This lead is already converted."))
        return redirect("sales:lead_detail", lead.pk)
    if request.method == "POST":
        form = LeadConvertForm(request.POST, viewer=request.user, lead=lead)
        converted, status = save_form(
            form,
            lambda kw: services.lead_convert(
                actor=request.user,
                lead=lead,
                version=form.cleaned_data.get("version"),
                **kw,
            ),
        )
        if converted is not None:
            messages.success(
                request, _("%(name)s is now a contact.") % {"name": converted.full_name}
            )
            if converted.converted_deal_id:
                return redirect("sales:deal_detail", converted.converted_deal_id)
            return redirect("contacts:person_detail", converted.converted_person_id)
    else:
        form, status = LeadConvertForm(viewer=request.user, lead=lead), 200
    orgs = contacts_selectors.organization_list(
        viewer=request.user,
        query=ListQuery(sort="-updated", limit=50),
    )
    return render(
        request,
        "sales/lead_convert.html",
        {
            "form": watch_duplicates(form, "lead") if lead is None else form,
            "lead": lead,
            "conflict": status == 409,
            "organization_options": [record_ref(o, request.user) for o in orgs.items],
        },
        status=status,
    )
