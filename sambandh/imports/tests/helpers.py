"""Starting imports in tests: from text written to a temporary upload, run in-process."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sambandh.imports.models import ImportJob
from sambandh.imports.services import import_start

FIXTURES = Path(__file__).parent / "fixtures"


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
