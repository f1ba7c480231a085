"""XLSX workbooks: the first sheet, streamed with openpyxl's read-only mode."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sambandh.imports.reading import errors
from sambandh.imports.reading.table import SourceRow, Table, build_row, check_header


@dataclass
class XlsxTable(Table):
    format = "xlsx"
    path: Path = field(default_factory=Path)
    header_number: int = 1

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        # A file object, not the path: openpyxl would judge a path by its extension, and an
        # upload's stored name says nothing.
        with self.path.open("rb") as stream:
            try:
                workbook = load_workbook(stream, read_only=True, data_only=True)
            except Exception as exc:  # noqa: BLE001 - a damaged zip or XML raises many kinds
                raise errors.bad_xlsx() from exc
            try:
                if not workbook.worksheets:
                    return
                rows = workbook.worksheets[0].iter_rows(values_only=True)
                number = 0
                while True:
                    try:
                        row = next(rows)
                    except StopIteration:
                        return
                    except Exception as exc:  # noqa: BLE001 - a damaged sheet's XML
                        raise errors.bad_xlsx() from exc
                    number += 1
                    yield number, [cell_text(value) for value in row]
            finally:
                workbook.close()

    def rows(self, *, after: int = 0) -> Iterator[SourceRow]:
        for number, cells in self._records():
            if number <= self.header_number or number <= after or not any(cells):
                continue
            yield build_row(number, self.headers, cells, "")

    def count_rows(self) -> int:
        return sum(
            1 for number, cells in self._records() if number > self.header_number and any(cells)
        )


def cell_text(value: Any) -> str:
    """A cell as text: dates in ISO form, integers without ".0", booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def open_xlsx(path: Path) -> XlsxTable:
    table = XlsxTable(path=path)
    header: list[str] | None = None
    for number, cells in table._records():
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            table.header_number = number
            table.headers = check_header(cells)
            continue
        return table
    if header is None:
        raise errors.empty_file()
    raise errors.only_header()
