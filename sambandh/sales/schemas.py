"""API shapes for pipelines, deals and leads.

Money is a decimal string plus an ISO 4217 code, never a float: ``"amount": "1234.50",
"currency": "INR"``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from sambandh.core.api import StrictSchema
from sambandh.core.ids import RecordId
from sambandh.core.inputs import NOT_SENT, NotSent, WriteInput

TagName = Annotated[str, StringConstraints(max_length=60)]
AMOUNT_HELP = 'A decimal string such as "1234.50", in the currency\'s precision; never a float.'


class UserRef(Schema):
    id: int
    name: str


class NamedRef(Schema):
    id: int
    name: str


class StageRef(Schema):
    id: int
    name: str
    kind: str
    probability: int


# --- pipelines -----------------------------------------------------------------------
class PipelineStageIn(StrictSchema):
    id: RecordId | None = Field(
        None, description="An existing stage of this pipeline; omit for a new one."
    )
    name: str = Field(max_length=100)
    probability: int = Field(0, ge=0, le=100)
    kind: Literal["open", "won", "lost"] = "open"


class PipelineIn(StrictSchema):
    name: str = Field(max_length=100)
    stages: list[PipelineStageIn] = Field(max_length=30, description="In board order.")
    is_default: bool = False


class PipelinePatch(StrictSchema):
    name: str | None = Field(None, max_length=100)
    stages: list[PipelineStageIn] | None = Field(
        None,
        max_length=30,
        description="The whole ordered list: stages left out are removed (archived if they "
        "have history).",
    )
    is_default: bool | None = None
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class StageOut(Schema):
    id: int
    name: str
    probability: int
    kind: str
    position: int


class PipelineOut(Schema):
    id: int
    version: int
    name: str
    is_default: bool
    position: int
    is_archived: bool
    stages: list[StageOut]
    created_at: datetime
    updated_at: datetime


# --- deals ------------------------------------------------------------------------------
# (Comments, not docstrings: a schema's docstring is its description in the API's OpenAPI.)
#: What a deal's create and update both take: the input of ``deal_update`` (the API's PATCH
#: body is DealPatch; the web form builds a DealFields for an edit).
class DealFields(WriteInput):
    name: str | None | NotSent = Field(default=NOT_SENT, max_length=200)
    stage_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    amount: str | None | NotSent = Field(default=NOT_SENT, max_length=40, description=AMOUNT_HELP)
    currency: str | None | NotSent = Field(default=NOT_SENT, max_length=3, description="ISO 4217")
    probability: int | None | NotSent = Field(default=NOT_SENT, ge=0, le=100)
    expected_close_date: date | None | NotSent = Field(default=NOT_SENT)
    organization_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    person_ids: list[RecordId] | None | NotSent = Field(default=NOT_SENT, max_length=100)
    source: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    description: str | None | NotSent = Field(default=NOT_SENT, max_length=100_000)
    won_reason: str | None | NotSent = Field(default=NOT_SENT, max_length=300)
    lost_reason: str | None | NotSent = Field(default=NOT_SENT, max_length=300)
    tags: list[TagName] | None | NotSent = Field(default=NOT_SENT, max_length=50)
    owner_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    custom: dict[str, Any] | None | NotSent = Field(default=NOT_SENT)


#: The input of ``deal_create``: the API's POST body and the web form's new deal. A deal
#: changes pipeline by its stage, so only a new deal names one.
class DealIn(DealFields):
    pipeline_id: RecordId | None | NotSent = Field(
        default=NOT_SENT, description="Defaults to the default pipeline."
    )
    closed_on: date | None | NotSent = Field(
        default=NOT_SENT,
        description="For a deal created in a won or lost stage: the day it was won or lost "
        "(its closed_at; default: now). Not in the future. Ignored for an open deal.",
    )


class DealPatch(DealFields):
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class DealMoveIn(StrictSchema):
    stage_id: RecordId
    version: int | None = Field(None, description="The version you read; or send If-Match.")
    reason: str = Field("", max_length=300, description="Why it was won or lost.")


class ReportingOut(Schema):
    amount: str = Field(description="The amount in the reporting currency, as a decimal string.")
    currency: str
    rate: str = Field(description="What one unit of the deal's currency cost in it.")
    rate_date: date = Field(
        description="The day of the rate used: the deal's date, or the latest earlier rate."
    )
    record_date: date = Field(
        description="The deal's date: its actual close date once closed, else its expected "
        "close date, else today."
    )


#: Only with ?reporting_currency= : the amount converted, or null with the reason.
REPORTING_HELP = "With ?reporting_currency=: the amount in that currency; null with a reason."


class DealOut(Schema):
    id: int
    version: int
    name: str
    pipeline: NamedRef
    stage: StageRef
    status: str
    amount: str | None = Field(None, description=AMOUNT_HELP + " null: not known yet.")
    currency: str = ""
    reporting: ReportingOut | None = Field(None, description=REPORTING_HELP)
    reporting_reason: str | None = Field(None, description="Why reporting is null.")
    probability: int = 0
    expected_close_date: date | None = None
    organization: NamedRef | None = None
    people: list[NamedRef] = []
    source: str = ""
    description: str = ""
    won_reason: str = ""
    lost_reason: str = ""
    closed_at: datetime | None
    stage_entered_at: datetime
    tags: list[str] = []
    owner: UserRef
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class DealListItem(Schema):
    id: int
    version: int
    name: str
    pipeline: NamedRef
    stage: StageRef
    status: str
    amount: str | None = None
    currency: str = ""
    reporting: ReportingOut | None = Field(None, description=REPORTING_HELP)
    reporting_reason: str | None = Field(None, description="Why reporting is null.")
    probability: int = 0
    expected_close_date: date | None = None
    organization: NamedRef | None = None
    tags: list[str] = []
    owner: UserRef
    updated_at: datetime


class StageChangeOut(Schema):
    id: int
    from_stage: NamedRef | None
    to_stage: NamedRef
    changed_by: UserRef | None
    changed_at: datetime
    amount: str | None
    currency: str
    probability: int
    seconds_in_previous: int | None


# --- leads --------------------------------------------------------------------------------
#: The input of ``lead_create`` and ``lead_update``: the API's body and the web form's.
class LeadIn(WriteInput):
    full_name: str | None | NotSent = Field(default=NOT_SENT, max_length=200)
    company: str | None | NotSent = Field(default=NOT_SENT, max_length=200)
    job_title: str | None | NotSent = Field(default=NOT_SENT, max_length=150)
    email: str | None | NotSent = Field(default=NOT_SENT, max_length=254)
    phone: str | None | NotSent = Field(
        default=NOT_SENT, max_length=60, description="Any format; stored as E.164."
    )
    status: str | None | NotSent = Field(
        default=NOT_SENT, max_length=12, description="new, contacted, qualified or unqualified"
    )
    source: str | None | NotSent = Field(default=NOT_SENT, max_length=100)
    country: str | None | NotSent = Field(
        default=NOT_SENT,
        max_length=60,
        description="ISO 3166-1 alpha-2 or alpha-3 code, or the country's name; stored as alpha-2.",
    )
    preferred_language: str | None | NotSent = Field(default=NOT_SENT, max_length=20)
    description: str | None | NotSent = Field(default=NOT_SENT, max_length=100_000)
    tags: list[TagName] | None | NotSent = Field(default=NOT_SENT, max_length=50)
    owner_id: RecordId | None | NotSent = Field(default=NOT_SENT)
    custom: dict[str, Any] | None | NotSent = Field(default=NOT_SENT)


class LeadPatch(LeadIn):
    version: int | None = Field(None, description="The version you read; or send If-Match.")


class LeadConvertIn(StrictSchema):
    version: int | None = Field(None, description="The version you read; or send If-Match.")
    create_deal: bool = True
    deal_name: str = Field("", max_length=200)
    amount: str | None = Field(
        None, max_length=40, description=AMOUNT_HELP + " Left out or null: not known yet."
    )
    currency: str | None = Field(
        None, max_length=3, description="Defaults to the organization's, person's or owner's."
    )
    organization_id: RecordId | None = Field(
        None,
        description="Link to this organization instead of finding or creating one by the "
        "lead's company name.",
    )


class LeadOut(Schema):
    id: int
    version: int
    full_name: str
    company: str = ""
    job_title: str = ""
    email: str = ""
    phone: str = ""
    status: str
    source: str = ""
    country: str = ""
    preferred_language: str = ""
    description: str = ""
    tags: list[str] = []
    owner: UserRef
    custom: dict[str, Any]
    converted_at: datetime | None
    converted_person_id: int | None
    converted_organization_id: int | None
    converted_deal_id: int | None
    created_at: datetime
    updated_at: datetime


class LeadListItem(Schema):
    id: int
    version: int
    full_name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    status: str
    source: str = ""
    country: str = ""
    tags: list[str] = []
    owner: UserRef
    created_at: datetime
    updated_at: datetime
