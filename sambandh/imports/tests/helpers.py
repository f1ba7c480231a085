"""Writing test files and reading them back as plain lists."""

from __future__ import annotations

import json
from pathlib import Path

from sambandh.imports.reading import SourceRow, Table, open_table

FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
