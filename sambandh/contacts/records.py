"""The record types of the contacts app, declared once (see sambandh/core/registry.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sambandh.core.registry import Field, RecordType


def _people_visible(viewer: Any) -> Any:
    from sambandh.contacts.selectors import people_visible

    return people_visible(viewer)


def _organizations_visible(viewer: Any) -> Any:
    from sambandh.contacts.selectors import organizations_visible

    return organizations_visible(viewer)


def _person_reindex(person: Any) -> None:
    from sambandh.contacts.services import person_reindex

    person_reindex(person)


def _people_linking(record_type: str, record_id: int) -> Any:
    from sambandh.contacts.models import Person

    if record_type != "organization":
        return Person.objects.none()
    return Person.objects.filter(organization_id=record_id)


def _people_searched() -> Any:
    from sambandh.contacts.models import Person

    return Person.objects.select_related("organization")  # its name is in the document


def _organization_reindex(org: Any) -> None:
    from sambandh.contacts.services import organization_reindex

    organization_reindex(org)


def _person_reassign(*, actor: Any, record: Any, owner: Any) -> Any:
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services import person_update

    return person_update(actor=actor, person=record, data=PersonIn(owner_id=owner.pk), version=None)


def _organization_reassign(*, actor: Any, record: Any, owner: Any) -> Any:
    from sambandh.contacts.schemas import OrganizationIn
    from sambandh.contacts.services import organization_update

    return organization_update(
        actor=actor, organization=record, data=OrganizationIn(owner_id=owner.pk), version=None
    )


OWNER = Field(
    "owner",
    _("Owner"),
    kind="user",
    hideable=False,
    inputs=("owner_id", "owner"),
    filters=("owner_id",),
)
TAGS = Field("tags", _("Tags"), kind="tags", filters=("tag",))
EMAILS = Field("emails", _("Email addresses"), kind="contact")
PHONES = Field("phones", _("Phone numbers"), kind="contact")
ADDRESSES = Field("addresses", _("Addresses"), kind="contact")
COUNTRY = Field("country", _("Country"), kind="country", filters=("country",))
CURRENCY = Field("currency", _("Currency"), kind="currency")
DESCRIPTION = Field("description", _("Description"), kind="long_text")

PERSON = RecordType(
    key="person",
    default_order=("full_name", "id"),
    model_label="contacts.Person",
    label=_("person"),
    label_plural=_("People"),
    api_path="people",
    detail_url="contacts:person_detail",
    list_url="contacts:person_list",
    icon="person",
    activity_link="person",
    visible=_people_visible,
    reassign=_person_reassign,
    reindex=_person_reindex,
    linking=_people_linking,
    search_records=_people_searched,
    fields=(
        Field(
            "full_name",
            _("Name"),
            hideable=False,
            outputs=("given_name", "family_name"),
            inputs=("full_name", "given_name", "family_name"),
            filters=("name",),
            sorts=("full_name", "name"),
        ),
        Field("job_title", _("Job title")),
        Field(
            "organization",
            _("Organization"),
            kind="link",
            link="organization",
            inputs=("organization_id",),
            filters=("organization_id",),
        ),
        Field(
            "emails", _("Email addresses"), kind="contact", outputs=("email",), filters=("email",)
        ),
        Field("phones", _("Phone numbers"), kind="contact", outputs=("phone",)),
        ADDRESSES,
        Field("preferred_language", _("Preferred language"), kind="language"),
        Field("time_zone", _("Time zone"), kind="time_zone"),
        CURRENCY,
        COUNTRY,
        Field("source", _("Source")),
        Field("description", _("About"), kind="long_text"),
        TAGS,
        OWNER,
    ),
)

ORGANIZATION = RecordType(
    key="organization",
    default_order=("name", "id"),
    model_label="contacts.Organization",
    label=_("organization"),
    label_plural=_("Organizations"),
    api_path="organizations",
    detail_url="contacts:organization_detail",
    list_url="contacts:organization_list",
    icon="organization",
    activity_link="organization",
    visible=_organizations_visible,
    reassign=_organization_reassign,
    reindex=_organization_reindex,
    fields=(
        Field("name", _("Name"), hideable=False, filters=("name",), sorts=("name",)),
        Field("domain", _("Domain"), filters=("domain",)),
        Field("website", _("Website"), kind="url"),
        Field("industry", _("Industry"), filters=("industry",)),
        Field("size", _("Size"), kind="choice"),
        DESCRIPTION,
        Field(
            "parent",
            _("Parent organization"),
            kind="link",
            link="organization",
            inputs=("parent_id",),
            filters=("parent_id",),
        ),
        COUNTRY,
        CURRENCY,
        EMAILS,
        PHONES,
        ADDRESSES,
        TAGS,
        OWNER,
    ),
)
