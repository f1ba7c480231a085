"""Forms for people and organizations. They only parse what the browser sends; the services clean,
validate and write, and their errors come back onto these forms through apply_service_errors."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.contacts import selectors
from sambandh.contacts.models import Organization, Person
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.contacts.services import AddressIn, EmailIn, PhoneIn
from sambandh.core.addresses import address_fields
from sambandh.core.inputs import WriteInput
from sambandh.customfields.forms import add_custom_fields, custom_form_data
from sambandh.web.form_fields import LocalDateField
from sambandh.web.forms import (
    ServiceForm,
    VersionField,
    country_choices,
    currency_choices,
    link_initial,
    lookup_widget,
    mark_hidden_link,
    resolve_record,
    restrict_fields,
    sendable,
    split_tags,
    time_zone_choices,
    with_blank,
)

MIN_ROWS = 3
_ROW_FIELD = re.compile(r"^(emails|phones|addresses)\.(\d+)\.(\w+)$")


def owner_choices(users: Any) -> list[tuple[str, str]]:
    return [(str(u.pk), str(u)) for u in users]


def _text(label: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, max_length=max_length, **kwargs)


class RecordForm(ServiceForm):
    """Fields people and organizations share: owner, tags, contact points, one address."""

    min_rows = MIN_ROWS
    owner = forms.ChoiceField(label=gettext_lazy("Owner"))
    tags = _text(
        gettext_lazy("Tags"),
        1000,
        help_text=gettext_lazy("Separate tags with commas."),
    )
    street = forms.CharField(
        label=gettext_lazy("Street"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    city = _text(gettext_lazy("City"), 100)
    region = _text(gettext_lazy("State / region"), 100)
    postal_code = _text(gettext_lazy("Postal code"), 20)
    # The one country of the record is its primary address's too (see country_of_address).
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        help_text=gettext_lazy(
            "The address is written the way this country writes it, and phone numbers without "
            "a +country code are read as from here."
        ),
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        viewer: Any,
        users: list[Any],
        instance: Any = None,
        access: Any = None,
        **kwargs: Any,
    ) -> None:
        self.viewer = viewer
        self.users = {u.pk: u for u in users}
        self.instance = instance
        initial = kwargs.pop("initial", None) or {}
        emails = list(instance.emails.all()) if instance else []
        phones = list(instance.phones.all()) if instance else []
        addresses = list(instance.addresses.all()) if instance else []
        self.extra_addresses = addresses[1:]
        if instance is not None:
            base = self.instance_initial(instance)
            base["owner"] = str(instance.owner_id)
            base["tags"] = ", ".join(t.name for t in instance.tags.all())
            base["version"] = instance.version
            for i, email in enumerate(emails):
                base[f"email_{i}"] = email.email
                base[f"email_label_{i}"] = email.label
            for i, number in enumerate(phones):
                base[f"phone_{i}"] = number.e164
                base[f"phone_label_{i}"] = number.label
            if addresses:
                first = addresses[0]
                base.update(
                    street=first.street,
                    city=first.city,
                    region=first.region,
                    postal_code=first.postal_code,
                )
                # A record without a country of its own takes its address's.
                base["country"] = base.get("country") or first.country
            initial = {**base, **initial}
        else:
            initial.setdefault("owner", str(viewer.pk))
        data = args[0] if args else kwargs.get("data")
        self.address_country = str((data if data is not None else initial).get("country") or "")
        self.email_rows = self._row_count("email", data, len(emails))
        self.phone_rows = self._row_count("phone", data, len(phones))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.choice_field("owner").choices = owner_choices(users)
        for link in self.link_fields:
            if link_initial(instance, link)[1]:
                mark_hidden_link(self, link)
        self.choice_field("country").choices = with_blank(country_choices())
        self._shape_address(data, initial)
        for i in range(self.email_rows):
            self.fields[f"email_{i}"] = forms.CharField(
                label=_("Email"),
                max_length=254,
                required=False,
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )
            self.fields[f"email_label_{i}"] = _text(
                _("Label"), 40, widget=forms.TextInput(attrs={"placeholder": _("work, home…")})
            )
        for i in range(self.phone_rows):
            self.fields[f"phone_{i}"] = forms.CharField(
                label=_("Phone"),
                max_length=60,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )
            self.fields[f"phone_label_{i}"] = _text(
                _("Label"), 40, widget=forms.TextInput(attrs={"placeholder": _("mobile, work…")})
            )
        # Which form row each service list position came from (blank rows are not sent).
        self.sent_rows: dict[str, list[int]] = {"emails": [], "phones": []}
        restrict_fields(self, access, self.access_fields())
        add_custom_fields(self, self.record_type, instance, access)

    #: The record type (core/registry.py) whose custom fields the form shows.
    record_type = ""

    def access_fields(self) -> dict[str, tuple[str, ...]]:
        """The record type's fields (core/registry.py) and the form fields that show them."""
        return {
            "emails": tuple(
                f for i in range(self.email_rows) for f in (f"email_{i}", f"email_label_{i}")
            ),
            "phones": tuple(
                f for i in range(self.phone_rows) for f in (f"phone_{i}", f"phone_label_{i}")
            ),
            "addresses": ("street", "city", "region", "postal_code"),
            "tags": ("tags",),
            "owner": ("owner",),
            **{name: (name,) for name in self.scalar_fields},
        }

    #: Form fields that are record fields of the same name.
    scalar_fields: tuple[str, ...] = ()

    def scalar_data(self) -> dict[str, Any]:
        """The scalar fields the form sends (not hidden, not read-only), as the service names
        them."""
        cd = self.cleaned_data
        data: dict[str, Any] = {
            name: cd.get(name) or ""
            for name in self.scalar_fields
            if sendable(self, name) and name not in self.link_fields
        }
        custom = custom_form_data(self)
        if custom:
            data["custom"] = custom
        return data

    def _shape_address(self, data: Any, initial: dict[str, Any]) -> None:
        """The address fields the country uses, labelled as it names them (core/addresses.py);
        a field the country does not use is left out unless it holds a value."""
        values = data if data is not None else initial
        self.region_choices: tuple[tuple[str, str], ...] = ()
        shown = {f.name: f for f in address_fields(self.address_country)}
        for name in ("city", "region", "postal_code"):
            if name not in shown and not (values.get(name) or "").strip():
                self.fields.pop(name, None)
        for name, spec in shown.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.label = spec.label
            if spec.required and self.address_country:
                field.help_text = _("Needed for a postal address.")
            if spec.example:
                field.widget.attrs["placeholder"] = spec.example
            if spec.choices:
                self.region_choices = spec.choices
                field.widget.attrs.update({"list": "region-options", "autocomplete": "off"})
        order = [n for n in shown if n in self.fields]
        # The form asks the fields in the country's order.
        self.address_order = order + [
            n for n in ("city", "region", "postal_code") if n in self.fields and n not in order
        ]

    @property
    def address_bound_fields(self) -> list[Any]:
        return [self[name] for name in getattr(self, "address_order", []) if name != "street"]

    def _row_count(self, prefix: str, data: Any, existing: int) -> int:
        rows = max(self.min_rows, existing + 1)
        if data is not None:
            posted = [k for k in data if re.fullmatch(rf"{prefix}_\d+", k)]
            rows = max(rows, *(int(k.rsplit("_", 1)[1]) + 1 for k in posted), 0)
        return min(rows, 20)

    def instance_initial(self, instance: Any) -> dict[str, Any]:
        return {}

    #: The lookup fields of this form that link to another record.
    link_fields: tuple[str, ...] = ()

    def keeps_hidden_link(self, field: str) -> bool:
        """Whether ``field`` links to a record the viewer may not see and was left empty: the
        link is then kept (and was never shown)."""
        return link_initial(self.instance, field)[1] and not self.cleaned_data.get(field)

    # --- rows ------------------------------------------------------------------------------
    @property
    def email_fields(self) -> list[tuple[Any, Any]]:
        if "email_0" not in self.fields:
            return []
        return [(self[f"email_{i}"], self[f"email_label_{i}"]) for i in range(self.email_rows)]

    @property
    def phone_fields(self) -> list[tuple[Any, Any]]:
        if "phone_0" not in self.fields:
            return []
        return [(self[f"phone_{i}"], self[f"phone_label_{i}"]) for i in range(self.phone_rows)]

    @property
    def shows_address(self) -> bool:
        return "street" in self.fields

    def field_for(self, service_field: str) -> str | None:
        match = _ROW_FIELD.match(service_field)
        if match:
            group, index, part = match.group(1), int(match.group(2)), match.group(3)
            if group == "addresses":
                name = part
                return name if name in self.fields else None
            rows = self.sent_rows.get(group, [])
            if index < len(rows):
                return f"{group[:-1]}_{rows[index]}"
            return None
        if service_field in ("emails", "phones"):
            return f"{service_field[:-1]}_0"
        if service_field == "addresses":
            return "street"
        return super().field_for(service_field)

    def contact_points(self) -> dict[str, Any]:
        cd = self.cleaned_data
        emails, phones = [], []
        self.sent_rows = {"emails": [], "phones": []}
        for i in range(self.email_rows):
            value = (cd.get(f"email_{i}") or "").strip()
            if value:
                self.sent_rows["emails"].append(i)
                emails.append(EmailIn(email=value, label=cd.get(f"email_label_{i}") or ""))
        for i in range(self.phone_rows):
            value = (cd.get(f"phone_{i}") or "").strip()
            if value:
                self.sent_rows["phones"].append(i)
                phones.append(PhoneIn(number=value, label=cd.get(f"phone_label_{i}") or ""))
        first = AddressIn(
            street=cd.get("street") or "",
            city=cd.get("city") or "",
            region=cd.get("region") or "",
            postal_code=cd.get("postal_code") or "",
            country=self.country_of_address(),
            is_primary=True,
        )
        rest = [
            AddressIn(
                street=a.street,
                city=a.city,
                region=a.region,
                postal_code=a.postal_code,
                country=a.country,
                label=a.label,
            )
            for a in self.extra_addresses
        ]
        # A hidden or read-only list is not sent (None: unchanged).
        return {
            "emails": emails if sendable(self, "email_0") else None,
            "phones": phones if sendable(self, "phone_0") else None,
            "addresses": [first, *rest] if sendable(self, "street") else None,
        }

    def country_of_address(self) -> str:
        """The primary address's country: the record's one country field, or, where the viewer
        may not change that field, the address's own."""
        if sendable(self, "country"):
            return self.cleaned_data.get("country") or ""
        first = self.instance.addresses.first() if self.instance is not None else None
        return first.country if first is not None else self.address_country

    #: The typed input (contacts/schemas.py) the form builds, as the API receives it.
    input_class: type[WriteInput] = WriteInput

    def to_input(self, data: dict[str, Any]) -> Any:
        """The typed input of the write: ``data``, the owner, the tags and the contact points,
        leaving out (not sent) what the form does not send. A value of the wrong shape is a
        ValidationFailed, placed on its field by ``save_form``."""
        if sendable(self, "owner"):
            data["owner_id"] = self.owner_user().pk
        if sendable(self, "tags"):
            data["tags"] = self.tag_names()
        for name, rows in self.contact_points().items():
            if rows is not None:
                data[name] = [asdict(row) for row in rows]
        return self.input_class.build(data)

    def owner_user(self) -> Any:
        return self.users.get(int(self.cleaned_data["owner"]))

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")

    def lookup(self, field: str, qs: Any, **kwargs: Any) -> Any:
        """Resolve a lookup field ("Name · qualifier"); on failure the form gets the error."""
        record, error = resolve_record(qs, self.cleaned_data.get(field) or "", **kwargs)
        if error:
            self.add_error(field, error)
        return record


RESIDENCY_HELP = gettext_lazy(
    'Where the data belongs, for retention and exports: "eu", "us-ca", "br", "in"; '
    "empty if unknown."
)


class PersonForm(RecordForm):
    record_type = "person"
    input_class = PersonIn
    service_fields = {"organization_id": "organization", "time_zone": "time_zone"}
    link_fields = ("organization",)
    scalar_fields = (
        "honorific",
        "given_name",
        "family_name",
        "full_name",
        "job_title",
        "birth_date",
        "organization",
        "preferred_language",
        "time_zone",
        "country",
        "currency",
        "source",
        "residency",
        "description",
    )

    def access_fields(self) -> dict[str, tuple[str, ...]]:
        fields = super().access_fields()
        # The name's parts are the one field "full_name" (core/registry.py).
        for part in ("honorific", "given_name", "family_name"):
            fields.pop(part, None)
        fields["full_name"] = ("full_name", "honorific", "given_name", "family_name")
        return fields

    honorific = _text(
        gettext_lazy("Honorific"),
        40,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Dr., Shri, Smt., Herr…")}),
    )
    given_name = _text(gettext_lazy("Given name"), 100)
    family_name = _text(gettext_lazy("Family name"), 100)
    full_name = _text(
        gettext_lazy("Full name"),
        200,
        help_text=gettext_lazy(
            "The name as the person writes it; for a culture that does not split names, type "
            "it here alone. Left empty, the given and family names are joined in the order "
            "of the person's language or country."
        ),
    )
    job_title = _text(gettext_lazy("Job title"), 150)
    birth_date = LocalDateField(label=gettext_lazy("Date of birth"), required=False)
    organization = _text(
        gettext_lazy("Organization"),
        300,
        widget=lookup_widget("organization-options", "contacts:organization_suggest"),
    )
    preferred_language = _text(
        gettext_lazy("Preferred language"),
        20,
        widget=forms.TextInput(attrs={"list": "language-options", "autocomplete": "off"}),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    source = _text(gettext_lazy("Source"), 100)
    residency = _text(gettext_lazy("Residency"), 10, help_text=RESIDENCY_HELP)
    description = forms.CharField(
        label=gettext_lazy("About"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = [
        "honorific",
        "given_name",
        "family_name",
        "full_name",
        "job_title",
        "organization",
        "owner",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("time_zone").choices = with_blank(time_zone_choices())
        self.choice_field("currency").choices = with_blank(currency_choices())

    def instance_initial(self, person: Person) -> dict[str, Any]:
        return {
            "honorific": person.honorific,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "birth_date": person.birth_date,
            "organization": link_initial(person, "organization", self.viewer)[0],
            "preferred_language": person.preferred_language,
            "time_zone": person.time_zone,
            "country": person.country,
            "currency": person.currency,
            "source": person.source,
            "residency": person.residency,
            "description": person.description,
        }

    def to_service(self) -> PersonIn | None:
        """The input of person_create / person_update, or None when a lookup failed (the error
        is then on the form)."""
        org = self.lookup("organization", selectors.organizations_visible(self.viewer))
        if self.errors:
            return None
        data = self.scalar_data()
        if data.get("birth_date") == "":
            data["birth_date"] = None
        if sendable(self, "organization") and (
            org is not None or not self.keeps_hidden_link("organization")
        ):
            data["organization_id"] = org.pk if org else None
        return self.to_input(data)


class OrganizationForm(RecordForm):
    record_type = "organization"
    input_class = OrganizationIn
    service_fields = {"parent_id": "parent"}
    link_fields = ("parent",)
    scalar_fields = (
        "name",
        "domain",
        "website",
        "industry",
        "size",
        "parent",
        "country",
        "currency",
        "time_zone",
        "residency",
        "description",
    )
    min_rows = 2

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    domain = _text(
        gettext_lazy("Domain"), 253, widget=forms.TextInput(attrs={"placeholder": "example.com"})
    )
    website = _text(gettext_lazy("Website"), 300)
    industry = _text(gettext_lazy("Industry"), 100)
    size = forms.ChoiceField(label=gettext_lazy("Size"), required=False)
    parent = _text(
        gettext_lazy("Parent organization"),
        300,
        widget=lookup_widget("organization-options", "contacts:organization_suggest"),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)
    residency = _text(gettext_lazy("Residency"), 10, help_text=RESIDENCY_HELP)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["name", "domain", "website", "industry", "size", "parent", "owner"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("size").choices = with_blank(Organization.Size.choices)
        self.choice_field("currency").choices = with_blank(currency_choices())
        self.choice_field("time_zone").choices = with_blank(time_zone_choices())

    def instance_initial(self, org: Organization) -> dict[str, Any]:
        return {
            "name": org.name,
            "domain": org.domain,
            "website": org.website,
            "industry": org.industry,
            "size": org.size,
            "parent": link_initial(org, "parent", self.viewer)[0],
            "country": org.country,
            "currency": org.currency,
            "time_zone": org.time_zone,
            "residency": org.residency,
            "description": org.description,
        }

    def to_service(self) -> OrganizationIn | None:
        """The input of organization_create / organization_update, or None when a lookup
        failed (the error is then on the form)."""
        parent = self.lookup("parent", selectors.organizations_visible(self.viewer))
        if self.errors:
            return None
        data = self.scalar_data()
        if sendable(self, "parent") and (
            parent is not None or not self.keeps_hidden_link("parent")
        ):
            data["parent_id"] = parent.pk if parent else None
        return self.to_input(data)
