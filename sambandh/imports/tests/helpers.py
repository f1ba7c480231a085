"""Test helpers: starting imports from text written to a temporary upload, run in-process;
writing test files and reading them back as plain lists."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sambandh.imports.models import ImportJob
from sambandh.imports.reading import SourceRow, Table, open_table
from sambandh.imports.services import import_start

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upload(text: str | bytes, name: str = "file.csv") -> io.BytesIO:
    data = text.encode("utf-8") if isinstance(text, str) else text
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def run_import(actor: Any, record_type: str, text: str | bytes, **options: Any) -> ImportJob:
    """Import ``text`` as a file, in-process; answers the finished job."""
    name = options.pop("filename", "file.csv")
    options.setdefault("background", False)
    return import_start(
        actor=actor, record_type=record_type, upload=upload(text, name), filename=name, **options
    )


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def outcomes(job: ImportJob) -> list[tuple[int, str]]:
    return list(job.rows.order_by("number").values_list("number", "outcome"))


def expected_addressbook() -> dict:
    return json.loads((FIXTURES / "expected_addressbook.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: bytes | str, name: str = "upload.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read(path: Path) -> tuple[Table, list[SourceRow]]:
    table = open_table(path)
    return table, list(table.rows())


def filled(row: SourceRow) -> dict[str, str]:
    return {header: value for header, value in row.values.items() if value}
