"""Forms for deals, leads and lead conversion. Parsing only; the services validate and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.accounts import policy
from sambandh.contacts import selectors as contacts_selectors
from sambandh.core.errors import ValidationFailed
from sambandh.core.formats import amount_input
from sambandh.core.formats_input import parse_localized_amount
from sambandh.core.inputs import WriteInput
from sambandh.core.sensitive import sensitive_fields
from sambandh.customfields.forms import add_custom_fields, custom_form_data
from sambandh.sales.models import Lead
from sambandh.sales.schemas import DealFields, DealIn, LeadIn
from sambandh.web.form_fields import LocalDateField
from sambandh.web.forms import (
    ServiceForm,
    VersionField,
    country_choices,
    currency_choices,
    link_initial,
    lookup_widget,
    mark_hidden_link,
    record_ref,
    resolve_record,
    restrict_fields,
    sendable,
    split_tags,
    with_blank,
)

MIN_PEOPLE_ROWS = 2
_PERSON_ROW = re.compile(r"^person_(\d+)$")


def _text(label: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, max_length=max_length, **kwargs)


def _lookup_input(list_id: str) -> forms.TextInput:
    suggest = {
        "organization-options": "contacts:organization_suggest",
        "person-options": "contacts:person_suggest",
    }.get(list_id, "")
    return lookup_widget(list_id, suggest)


class _OwnedForm(ServiceForm):
    service_fields = {"owner_id": "owner"}

    owner = forms.ChoiceField(label=gettext_lazy("Owner"))
    tags = _text(gettext_lazy("Tags"), 1000, help_text=gettext_lazy("Separate tags with commas."))
    version = VersionField()

    def __init__(
        self, *args: Any, viewer: Any, users: list[Any], access: Any = None, **kwargs: Any
    ) -> None:
        self.access = access
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.users = {u.pk: u for u in users}
        self.choice_field("owner").choices = [(str(u.pk), str(u)) for u in users]
        self.initial.setdefault("owner", str(viewer.pk))

    def owner_user(self) -> Any:
        return self.users.get(int(self.cleaned_data["owner"]))

    def to_input[I: WriteInput](self, input_class: type[I], data: dict[str, Any]) -> I:
        """The typed input of the write, as the API receives it: ``data``, the owner and the
        tags, leaving out (not sent) what the form does not send. A value of the wrong shape is
        a ValidationFailed, placed on its field by ``save_form``."""
        if sendable(self, "owner"):
            data["owner_id"] = self.owner_user().pk
        if sendable(self, "tags"):
            data["tags"] = split_tags(self.cleaned_data.get("tags") or "")
        return input_class.build(data)

    def field_for(self, service_field: str) -> str | None:
        # An item of a list ("tags.2", "person_ids.0") is shown on the list's field.
        name = super().field_for(service_field)
        if name is None and "." in service_field:
            name = super().field_for(service_field.split(".", 1)[0])
        return name

    #: The record type's fields (core/registry.py) and the form fields that show them.
    def access_fields(self) -> dict[str, tuple[str, ...]]:
        return {"owner": ("owner",), "tags": ("tags",)}

    def restrict(self) -> None:
        """Hide the fields hidden from the viewer, disable the read-only ones (subclasses call
        it once their fields are built)."""
        restrict_fields(self, self.access, self.access_fields())
        add_custom_fields(self, self.record_type, getattr(self, "instance", None), self.access)

    #: The record type (core/registry.py) whose custom fields the form shows.
    record_type = ""

    def with_custom(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the custom values the form sends."""
        custom = custom_form_data(self)
        return {**data, "custom": custom} if custom else data

    def sent(self, data: dict[str, Any], form_fields: dict[str, str]) -> dict[str, Any]:
        """``data`` without what the form does not send (hidden or read-only fields);
        ``form_fields`` names the form field of each key that differs from it."""
        return {k: v for k, v in data.items() if sendable(self, form_fields.get(k, k))}

    def lookup(self, field: str, qs: Any, **kwargs: Any) -> Any:
        record, error = resolve_record(qs, self.cleaned_data.get(field) or "", **kwargs)
        if error:
            self.add_error(field, error)
        return record


class DealForm(_OwnedForm):
    record_type = "deal"
    service_fields = {
        **_OwnedForm.service_fields,
        "organization_id": "organization",
        "stage_id": "stage",
        "pipeline_id": "pipeline",
        "person_ids": "person_0",
    }

    name = forms.CharField(label=gettext_lazy("Deal name"), max_length=200)
    pipeline = forms.ChoiceField(label=gettext_lazy("Pipeline"))
    stage = forms.ChoiceField(label=gettext_lazy("Stage"))
    amount = _text(
        gettext_lazy("Amount"),
        40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    expected_close_date = LocalDateField(label=gettext_lazy("Expected close date"), required=False)
    probability = forms.IntegerField(
        label=gettext_lazy("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Leave empty to use the stage's probability."),
    )
    organization = _text(
        gettext_lazy("Organization"), 300, widget=_lookup_input("organization-options")
    )
    source = _text(gettext_lazy("Source"), 100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["name", "pipeline", "stage", "amount", "currency", "expected_close_date"]

    def clean_amount(self) -> Any:
        return _clean_localized_amount(self)

    def __init__(
        self, *args: Any, pipelines: list[Any], instance: Any = None, **kwargs: Any
    ) -> None:
        self.instance = instance
        self.pipelines = {p.pk: p for p in pipelines}
        initial = kwargs.pop("initial", None) or {}
        viewer = kwargs.get("viewer")
        people = list(instance.people.all()) if instance else []
        if instance is not None:
            initial = {
                "name": instance.name,
                "pipeline": str(instance.pipeline_id),
                "stage": str(instance.stage_id),
                "amount": _plain_amount(instance.amount, instance.currency),
                "currency": instance.currency,
                "expected_close_date": instance.expected_close_date,
                "probability": instance.probability,
                "organization": link_initial(instance, "organization", viewer)[0],
                "source": instance.source,
                "description": instance.description,
                "owner": str(instance.owner_id),
                "tags": ", ".join(t.name for t in instance.tags.all()),
                "version": instance.version,
                **{f"person_{i}": record_ref(p, viewer) for i, p in enumerate(people)},
                **initial,
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        rows = max(MIN_PEOPLE_ROWS, len(people) + 1)
        if data is not None:
            posted = [int(m.group(1)) + 1 for k in data if (m := _PERSON_ROW.match(k))]
            rows = max(rows, *posted, 0)
        self.people_rows = min(rows, 20)
        for i in range(self.people_rows):
            self.fields[f"person_{i}"] = _text(
                _("Person"), 300, widget=_lookup_input("person-options")
            )
        self.choice_field("pipeline").choices = [(str(p.pk), p.name) for p in pipelines]
        # Choosing another pipeline swaps the stage options for that pipeline's stages.
        self.fields["pipeline"].widget.attrs.update(
            {
                "hx-get": reverse("sales:deal_stage_options"),
                "hx-target": f"#{self['stage'].auto_id}",
                "hx-swap": "innerHTML",
            }
        )
        if instance is None:
            # Left on the default, the service prices the deal in its organization's currency,
            # else its person's, else its owner's.
            self.choice_field("currency").choices = with_blank(
                currency_choices(), _("Organization's, person's or owner's")
            )
            self.fields["currency"].required = False
            self.initial.setdefault("currency", "")
            # Choosing the organization or first person names that default (htmx).
            self.fields["currency"].widget.attrs.update(
                {
                    "hx-get": reverse("sales:deal_currency_options"),
                    "hx-trigger": "change from:#id_organization, change from:#id_person_0",
                    "hx-include": "[name=organization], [name=person_0]",
                    "hx-swap": "innerHTML",
                }
            )
        else:
            self.choice_field("currency").choices = currency_choices()
        default = next((p for p in pipelines if p.is_default), pipelines[0] if pipelines else None)
        self.initial.setdefault("pipeline", str(default.pk) if default else "")
        self.choice_field("stage").choices = self.stage_choices()
        self.restrict()
        self.hides_organization = link_initial(instance, "organization")[1]
        if self.hides_organization:
            mark_hidden_link(self, "organization")

    def selected_pipeline(self) -> Any:
        raw = self.data.get("pipeline") if self.is_bound else self.initial.get("pipeline")
        try:
            return self.pipelines.get(int(raw or ""))
        except (TypeError, ValueError):
            return None

    def stage_choices(self) -> list[tuple[str, str]]:
        pipeline = self.selected_pipeline()
        stages = pipeline.active_stages if pipeline is not None else []
        return [(str(s.pk), s.name) for s in stages]

    @property
    def person_fields(self) -> list[Any]:
        if "person_0" not in self.fields:
            return []
        return [self[f"person_{i}"] for i in range(self.people_rows)]

    def access_fields(self) -> dict[str, tuple[str, ...]]:
        return {
            **super().access_fields(),
            **{
                name: (name,)
                for name in (
                    "name",
                    "amount",
                    "currency",
                    "probability",
                    "expected_close_date",
                    "organization",
                    "source",
                    "description",
                )
            },
            "stage": ("pipeline", "stage"),
            "people": tuple(f"person_{i}" for i in range(self.people_rows)),
        }

    def to_service(self) -> DealFields | None:
        """The input of deal_create (a DealIn, naming the pipeline) or of deal_update (whose
        stage names the pipeline), or None when a lookup failed (the error is then on the
        form)."""
        cd = self.cleaned_data
        org = self.lookup("organization", contacts_selectors.organizations_visible(self.viewer))
        people_qs = contacts_selectors.people_visible(self.viewer)
        person_ids: list[int] = []
        for i in range(self.people_rows):
            person = self.lookup(f"person_{i}", people_qs, name_field="full_name")
            if person is not None and person.pk not in person_ids:
                person_ids.append(person.pk)
        if self.errors:
            return None
        data: dict[str, Any] = {
            "name": cd["name"],
            "amount": amount_text(parse_amount(cd.get("amount") or "")),
            "currency": cd.get("currency") or None,
            "expected_close_date": cd.get("expected_close_date"),
            "organization_id": org.pk if org else None,
            "source": cd.get("source") or "",
            "description": cd.get("description") or "",
        }
        if org is None and self.hides_organization and not cd.get("organization"):
            del data["organization_id"]  # a link the viewer cannot see is kept
        probability = cd.get("probability")
        if probability is not None and probability != self.initial.get("probability"):
            data["probability"] = probability
        data = self.with_custom(self.sent(data, {"organization_id": "organization"}))
        creating = self.instance is None
        if sendable(self, "stage"):
            if creating:
                data["pipeline_id"] = int(cd["pipeline"])
            data["stage_id"] = int(cd["stage"])
        if sendable(self, "person_0"):
            data["person_ids"] = person_ids
        return self.to_input(DealIn if creating else DealFields, data)

    def field_for(self, service_field: str) -> str | None:
        if service_field in ("amount", "currency") and service_field in self.fields:
            return service_field
        return super().field_for(service_field)


def parse_amount(text: Any) -> Any:
    """An amount typed the viewer's way ("1,000.50" in en-US, "12,34,567.89" in en-IN, "1.000,50"
    in de: core.formats_input) as a Decimal; anything else goes to the service as typed, which
    explains what is wrong. The forms' ``clean_amount`` has refused it already."""
    if isinstance(text, Decimal):
        return text
    text = str(text or "").strip()
    if not text:
        return None  # left blank: not known, never 0
    try:
        return parse_localized_amount(text)
    except ValidationFailed:
        return text


def _clean_localized_amount(form: forms.Form) -> Any:
    """A form's amount, read in the viewer's format locale; an ambiguous or malformed one is
    refused here with what was understood and what is expected."""
    text = form.cleaned_data.get("amount") or ""
    currency = str(form.data.get("currency") or "").upper() or None
    try:
        parsed = parse_localized_amount(text, currency=currency)
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from None
    return "" if parsed is None else parsed


def amount_text(amount: Any) -> str | None:
    """A parsed amount as the API takes it: a decimal string ("1000.50"), or the text as typed
    when it did not parse (the service explains what is wrong)."""
    if amount is None:
        return None
    return f"{amount:f}" if isinstance(amount, Decimal) else str(amount)


def _plain_amount(amount: Any, currency: str = "") -> str:
    """A stored amount as the user would type it, their way: 1000.0000 -> "1,000" (en-US),
    12.5000 -> "12,50" (de); an unknown amount is an empty input."""
    if amount is None:
        return ""
    return amount_input(amount, currency)


class LeadForm(_OwnedForm):
    record_type = "lead"
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    company = _text(gettext_lazy("Company"), 200)
    job_title = _text(gettext_lazy("Job title"), 150)
    email = _text(gettext_lazy("Email"), 254, widget=forms.EmailInput)
    phone = _text(gettext_lazy("Phone"), 60, widget=forms.TextInput(attrs={"type": "tel"}))
    status = forms.ChoiceField(label=gettext_lazy("Status"))
    source = _text(gettext_lazy("Source"), 100)
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        help_text=gettext_lazy("Phone numbers without a +country code are read as from here."),
    )
    preferred_language = _text(
        gettext_lazy("Preferred language"), 20, widget=_lookup_input("language-options")
    )
    description = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["full_name", "company", "job_title", "email", "phone", "status", "source"]

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        initial = kwargs.pop("initial", None) or {}
        if instance is not None:
            initial = {
                **{
                    name: getattr(instance, name)
                    for name in (
                        "full_name",
                        "company",
                        "job_title",
                        "email",
                        "phone",
                        "status",
                        "source",
                        "country",
                        "preferred_language",
                        "description",
                    )
                },
                "owner": str(instance.owner_id),
                "tags": ", ".join(t.name for t in instance.tags.all()),
                "version": instance.version,
                **initial,
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.choice_field("status").choices = [
            (value, label) for value, label in Lead.Status.choices if value != Lead.Status.CONVERTED
        ]
        self.choice_field("country").choices = with_blank(country_choices())
        self.restrict()

    def access_fields(self) -> dict[str, tuple[str, ...]]:
        return {**super().access_fields(), **{name: (name,) for name in self.scalars}}

    scalars = (
        "full_name",
        "company",
        "job_title",
        "email",
        "phone",
        "status",
        "source",
        "country",
        "preferred_language",
        "description",
    )

    def to_service(self) -> LeadIn:
        """The input of lead_create / lead_update."""
        cd = self.cleaned_data
        data = {name: cd.get(name) or "" for name in self.scalars}
        return self.to_input(LeadIn, self.with_custom(self.sent(data, {})))


class LeadConvertForm(ServiceForm):
    service_fields = {"organization_id": "organization", "name": "deal_name"}

    create_deal = forms.BooleanField(label=gettext_lazy("Also create a deal"), required=False)
    deal_name = _text(gettext_lazy("Deal name"), 200)
    amount = _text(
        gettext_lazy("Amount"), 40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))

    def clean_amount(self) -> Any:
        return _clean_localized_amount(self)

    organization = _text(
        gettext_lazy("Organization"),
        300,
        widget=_lookup_input("organization-options"),
        help_text=gettext_lazy(
            "Leave empty to use the lead's company (found by name, or created)."
        ),
    )
    version = VersionField()

    def __init__(self, *args: Any, viewer: Any, lead: Any, **kwargs: Any) -> None:
        # The deal is named after the company, unless the viewer may not see it or it is
        # marked sensitive: a suggested name needs no value whose every read is audited.
        company = lead.company
        if not policy.field_access(viewer, "lead").shows("company") or "company" in (
            sensitive_fields("lead", viewer)
        ):
            company = ""
        kwargs.setdefault(
            "initial",
            {
                "create_deal": True,
                "currency": "",
                "version": lead.version,
                "deal_name": _("%(name)s deal") % {"name": company or lead.full_name},
            },
        )
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.choice_field("currency").choices = with_blank(
            currency_choices(), _("Organization's, person's or owner's")
        )
        self.fields["currency"].required = False

    def to_service(self) -> dict[str, Any] | None:
        cd = self.cleaned_data
        org, error = resolve_record(
            contacts_selectors.organizations_visible(self.viewer), cd.get("organization") or ""
        )
        if error:
            self.add_error("organization", error)
            return None
        return {
            "create_deal": cd.get("create_deal", False),
            "deal_name": cd.get("deal_name") or "",
            "amount": parse_amount(cd.get("amount") or ""),
            "currency": cd.get("currency") or None,
            "organization_id": org.pk if org else None,
        }
