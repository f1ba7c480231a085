"""API shapes of imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from sambandh.core.api import StrictSchema


class ImportCounts(Schema):
    created: int
    updated: int
    merged: int
    unchanged: int
    rejected: int
    flagged: int


class ImportRowOut(Schema):
    row: int = Field(description="The row's number as a spreadsheet shows it (header = 1).")
    outcome: str
    record_id: int | None = None
    reasons: list[dict[str, str]] = []


class ImportRowPage(Schema):
    items: list[ImportRowOut]
    next: str | None = None


class ImportJobOut(Schema):
    id: int
    record_type: str
    status: str
    file_name: str
    format: str
    encoding: str
    delimiter: str
    dry_run: bool
    options: dict[str, Any]
    total_rows: int
    processed_rows: int
    progress: float = Field(description="The share of rows done, 0 to 1.")
    counts: ImportCounts
    error: str = ""
    cancel_requested: bool
    not_undone: list[dict[str, Any]] = Field(
        [], description="After an undo: each record that was left as it is, and why."
    )
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows: ImportRowPage = Field(description="The first page of the per-row report.")


class RowFilters(Schema):
    outcome: str | None = Field(None, max_length=20)
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class JobListParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)


class ImportJobItem(Schema):
    id: int
    record_type: str
    status: str
    file_name: str
    dry_run: bool
    total_rows: int
    processed_rows: int
    counts: ImportCounts
    created_at: datetime


class ImportJobPage(Schema):
    items: list[ImportJobItem]
    next: str | None = None


class PresetIn(StrictSchema):
    name: str = Field(max_length=100)
    record_type: str = Field(max_length=20, description="people, organizations, leads or deals")
    mapping: dict[str, str] = Field(description='Column name -> field key ("" to skip it).')
    shared: bool = False


class PresetOut(Schema):
    name: str
    label: str
    record_type: str
    built_in: bool
    shared: bool = False
    mapping: dict[str, str] = {}
    owner_id: int | None = None


class PresetFilters(Schema):
    record_type: str | None = Field(None, max_length=20)
