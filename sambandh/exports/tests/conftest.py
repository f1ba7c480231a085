"""What the export tests share: files read back the way a user's tools read them."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from sambandh.customfields.services import custom_field_create


def read_csv(resp: Any) -> list[dict[str, str]]:
    """The streamed CSV as rows of {header: value}; asserts the BOM and the shape."""
    assert resp.status_code == 200, getattr(resp, "content", b"")[:500]
    assert resp.streaming
    body = b"".join(resp.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    header, data = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in data)  # a hidden field absent, never blank
    return [dict(zip(header, r, strict=True)) for r in data]


def csv_header(resp: Any) -> list[str]:
    body = b"".join(resp.streaming_content)
    return next(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(resp: Any) -> Any:
    from openpyxl import load_workbook

    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


@pytest.fixture
def custom_fields(admin_user: Any) -> None:
    """A note (text), a score (number) and a budget (money) on people."""
    for key, label, kind in (
        ("note", "Note", "text"),
        ("score", "Score", "number"),
        ("budget", "Budget", "money"),
    ):
        custom_field_create(
            actor=admin_user,
            data={"record_type": "person", "key": key, "label": label, "type": kind},
        )
