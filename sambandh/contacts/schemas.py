"""API shapes for people, organizations and tags."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from sambandh.core.api import StrictSchema
from sambandh.core.ids import RecordId
from sambandh.core.inputs import NOT_SENT, NotSent, WriteInput


class EmailSchema(StrictSchema):
    email: str = Field(max_length=254)
    label: str = Field("", max_length=40)
    is_primary: bool = False


class PhoneSchema(StrictSchema):
    number: str = Field(max_length=60, description="Any format; stored as E.164.")
    label: str = Field("", max_length=40)
    is_primary: bool = False


class AddressSchema(StrictSchema):
    street: str = Field("", max_length=500)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field(
        "", max_length=60, description="ISO 3166-1 alpha-2 or alpha-3 code, or the country's name"
    )
    label: str = Field("", max_length=40)
    is_primary: bool = False


class PhoneOut(Schema):
    number: str
    label: str
    is_primary: bool


class UserRef(Schema):
    id: int
    name: str


class OrganizationRef(Schema):
    id: int
    name: str


class PersonIn(WriteInput):
    full_name: str | None | NotSent = Field(default=NOT_SENT, max_length=200)
    honorific: str | None | NotSent = Field(
        default=NOT_SENT, max_length=40, description="Dr., Shri, Smt., Herr: shown before the name."
    )
    given_name: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    family_name: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    job_title: str | None | NotSent = Field(default=NOT_SENT, max_length=150)
    birth_date: date | None | NotSent = Field(default=NOT_SENT, description="Date of birth.")
    organization_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    emails: list[EmailSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    phones: list[PhoneSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    addresses: list[AddressSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    preferred_language: str | None | NotSent = Field(default=NOT_SENT, max_length=20)
    time_zone: str | None | NotSent = Field(default=NOT_SENT, max_length=64)
    currency: str | None | NotSent = Field(default=NOT_SENT, max_length=3)
    country: str | None | NotSent = Field(
        default=NOT_SENT,
        max_length=60,
        description="ISO 3166-1 alpha-2 or alpha-3 code, or the country's name in any of the "
        "product's languages; stored as alpha-2.",
    )
    source: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    residency: str | None | NotSent = Field(
        default=NOT_SENT, max_length=10, description='Where their data belongs: "eu", "us-ca"...'
    )
    description: str | None | NotSent = Field(default=NOT_SENT, max_length=100_000)
    tags: list[str] | None | NotSent = Field(default=NOT_SENT, max_length=50)
    owner_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    custom: dict[str, Any] | None | NotSent = Field(default=NOT_SENT)


class PersonPatch(PersonIn):
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class PersonOut(Schema):
    id: int
    version: int
    full_name: str
    honorific: str = ""
    given_name: str
    family_name: str
    job_title: str = ""
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    organization: OrganizationRef | None = None
    emails: list[EmailSchema] = []
    phones: list[PhoneOut] = []
    addresses: list[AddressSchema] = []
    preferred_language: str = ""
    time_zone: str = ""
    currency: str = ""
    country: str = ""
    source: str = ""
    residency: str = ""
    description: str = ""
    tags: list[str] = []
    owner: UserRef
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class PersonListItem(Schema):
    id: int
    version: int
    full_name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    organization: OrganizationRef | None = None
    country: str = ""
    tags: list[str] = []
    owner: UserRef
    updated_at: datetime


class OrganizationIn(WriteInput):
    name: str | None | NotSent = Field(default=NOT_SENT, max_length=200)
    domain: str | None | NotSent = Field(default=NOT_SENT, max_length=253)
    website: str | None | NotSent = Field(default=NOT_SENT, max_length=300)
    industry: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    size: str | None | NotSent = Field(default=NOT_SENT, max_length=12)
    description: str | None | NotSent = Field(default=NOT_SENT, max_length=100_000)
    parent_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    country: str | None | NotSent = Field(
        default=NOT_SENT,
        max_length=60,
        description="ISO 3166-1 alpha-2 or alpha-3 code, or the country's name in any of the "
        "product's languages; stored as alpha-2.",
    )
    currency: str | None | NotSent = Field(default=NOT_SENT, max_length=3)
    time_zone: str | None | NotSent = Field(
        default=NOT_SENT, max_length=64, description="An IANA time zone: Asia/Kolkata."
    )
    residency: str | None | NotSent = Field(
        default=NOT_SENT, max_length=10, description='Where its data belongs: "eu", "us-ca"...'
    )
    emails: list[EmailSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    phones: list[PhoneSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    addresses: list[AddressSchema] | None | NotSent = Field(default=NOT_SENT, max_length=20)
    tags: list[str] | None | NotSent = Field(default=NOT_SENT, max_length=50)
    owner_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    custom: dict[str, Any] | None | NotSent = Field(default=NOT_SENT)


class OrganizationPatch(OrganizationIn):
    version: int | None = None


class OrganizationOut(Schema):
    id: int
    version: int
    name: str
    domain: str = ""
    website: str = ""
    industry: str = ""
    size: str = ""
    description: str = ""
    parent: OrganizationRef | None = None
    country: str = ""
    currency: str = ""
    time_zone: str = ""
    residency: str = ""
    emails: list[EmailSchema] = []
    phones: list[PhoneOut] = []
    addresses: list[AddressSchema] = []
    tags: list[str] = []
    owner: UserRef
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class OrganizationListItem(Schema):
    id: int
    version: int
    name: str
    domain: str = ""
    industry: str = ""
    country: str = ""
    parent: OrganizationRef | None = None
    tags: list[str] = []
    owner: UserRef
    updated_at: datetime


class TagIn(StrictSchema):
    name: str = Field(max_length=60)
    color: str = Field("gray", max_length=20)


class TagPatch(StrictSchema):
    name: str | None = Field(None, max_length=60)
    color: str | None = Field(None, max_length=20)
    version: int | None = None


class TagOut(Schema):
    id: int
    version: int
    name: str
    color: str
