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


def _person_reassign(*, actor: Any, record: Any, owner: Any, version: int | None = None) -> Any:
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services import person_update

    return person_update(
        actor=actor, person=record, data=PersonIn(owner_id=owner.pk), version=version
    )


def _organization_reassign(
    *, actor: Any, record: Any, owner: Any, version: int | None = None
) -> Any:
    from sambandh.contacts.schemas import OrganizationIn
    from sambandh.contacts.services import organization_update

    return organization_update(
        actor=actor, organization=record, data=OrganizationIn(owner_id=owner.pk), version=version
    )


# --- bulk actions (sambandh/bulk): the typed inputs and services, nothing of their own -------
def _people_matching(*, viewer: Any, query: Any) -> Any:
    from sambandh.contacts.selectors import people_matching

    return people_matching(viewer=viewer, query=query)


def _organizations_matching(*, viewer: Any, query: Any) -> Any:
    from sambandh.contacts.selectors import organizations_matching

    return organizations_matching(viewer=viewer, query=query)


def _people_filters() -> Any:
    from sambandh.contacts.api_people import PersonFilters

    return PersonFilters


def _organization_filters() -> Any:
    from sambandh.contacts.api_organizations import OrganizationFilters

    return OrganizationFilters


def _person_delete(*, actor: Any, record: Any, version: Any) -> None:
    from sambandh.contacts.services import person_delete

    person_delete(actor=actor, person=record, version=version)


def _person_update(*, actor: Any, record: Any, values: dict[str, Any], version: Any) -> Any:
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services import person_update

    return person_update(actor=actor, person=record, data=PersonIn.build(values), version=version)


def _organization_delete(*, actor: Any, record: Any, version: Any) -> None:
    from sambandh.contacts.services import organization_delete

    organization_delete(actor=actor, organization=record, version=version)


def _organization_update(*, actor: Any, record: Any, values: dict[str, Any], version: Any) -> Any:
    from sambandh.contacts.schemas import OrganizationIn
    from sambandh.contacts.services import organization_update

    return organization_update(
        actor=actor, organization=record, data=OrganizationIn.build(values), version=version
    )


def _person_check(values: dict[str, Any]) -> None:
    from sambandh.contacts.schemas import PersonIn

    PersonIn.build(values)


def _organization_check(values: dict[str, Any]) -> None:
    from sambandh.contacts.schemas import OrganizationIn

    OrganizationIn.build(values)


def tag_names(record: Any) -> list[str]:
    """A record's tag names (any record with a ``tags`` relation to contacts.Tag)."""
    return list(record.tags.order_by("name").values_list("name", flat=True))


def _people_reassign(**kwargs: Any) -> Any:
    from sambandh.contacts.services import people_reassign

    return people_reassign(**kwargs)


def _organizations_reassign(**kwargs: Any) -> Any:
    from sambandh.contacts.services import organizations_reassign

    return organizations_reassign(**kwargs)


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
RESIDENCY = Field("residency", _("Residency"), filters=("residency",))
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
    edit_url="contacts:person_edit",
    list_url="contacts:person_list",
    icon="person",
    activity_link="person",
    visible=_people_visible,
    reassign=_person_reassign,
    reindex=_person_reindex,
    linking=_people_linking,
    search_records=_people_searched,
    list_matching=_people_matching,
    list_filters=_people_filters,
    update=_person_update,
    delete=_person_delete,
    check_values=_person_check,
    tag_names=tag_names,
    reassign_many=_people_reassign,
    fields=(
        Field(
            "full_name",
            _("Name"),
            hideable=False,
            outputs=("honorific", "given_name", "family_name"),
            inputs=("full_name", "honorific", "given_name", "family_name"),
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
        Field("birth_date", _("Date of birth"), kind="date", bulk=False),
        CURRENCY,
        COUNTRY,
        RESIDENCY,
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
    edit_url="contacts:organization_edit",
    list_url="contacts:organization_list",
    icon="organization",
    activity_link="organization",
    visible=_organizations_visible,
    reassign=_organization_reassign,
    reindex=_organization_reindex,
    list_matching=_organizations_matching,
    list_filters=_organization_filters,
    update=_organization_update,
    delete=_organization_delete,
    check_values=_organization_check,
    tag_names=tag_names,
    reassign_many=_organizations_reassign,
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
        RESIDENCY,
        CURRENCY,
        Field("time_zone", _("Time zone"), kind="time_zone"),
        EMAILS,
        PHONES,
        ADDRESSES,
        TAGS,
        OWNER,
    ),
)
