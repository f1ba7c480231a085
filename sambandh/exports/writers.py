"""The file formats of an export: CSV (streamed), XLSX (written row by row to a temporary file)
and vCard (people; streamed).

Spreadsheet formula injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is written with a single quote before it, in CSV and in XLSX alike, so no
spreadsheet reads it as a formula. Numbers we typed ourselves (an amount, an id) are not text:
they are written as numbers, a negative amount too (``-12.50``): its text comes from our own
number formatting and cannot hold a formula, and a quote would turn it into text that no sum
counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: An XLSX sheet holds 1,048,576 rows; past that the export goes on in another sheet.
XLSX_SHEET_ROWS = 1_048_576
#: A cell holds at most 32,767 characters.
XLSX_CELL_CHARS = 32_767
#: Rows joined into one piece of a streamed CSV.
CSV_ROWS_PER_PIECE = 200


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def neutralize(text: str) -> str:
    """``text`` safe in a spreadsheet cell: prefixed with a quote when it could start a formula."""
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def _number_text(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_cell(value: Any) -> str:
    if type(value) is str:  # most cells: the quick way first
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int | float):
        return _number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralize(str(value))


class _Line:
    """csv.writer's file: keeps what it is given."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def csv_pieces(headers: Iterable[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """The CSV file as pieces of bytes: UTF-8 with a byte order mark (so spreadsheets read
    every script right), CRLF line ends (RFC 4180), the header line first, on its own, before
    any row is read."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([neutralize(str(h)) for h in headers])
    yield ("\ufeff" + line.take()).encode()
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if count % CSV_ROWS_PER_PIECE == 0:
            yield line.take().encode()
    rest = line.take()
    if rest:
        yield rest.encode()


def xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | Decimal | int | float):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _ILLEGAL_XML.sub("", str(value))[:XLSX_CELL_CHARS]
    return neutralize(text)


def write_xlsx(
    target: IO[bytes], headers: Iterable[str], rows: Iterable[list[Any]], *, title: str
) -> int:
    """Write the workbook to ``target`` with openpyxl's write-only mode (rows go to a temporary
    file as they come, never all held); answers the number of rows written."""
    from openpyxl import Workbook

    header = [xlsx_cell(str(h)) for h in headers]
    workbook = Workbook(write_only=True)
    sheet_title = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "Export"
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(header)
    in_sheet, count, sheets = 1, 0, 1
    for row in rows:
        if in_sheet == XLSX_SHEET_ROWS:
            sheets += 1
            sheet = workbook.create_sheet(f"{sheet_title} {sheets}")
            sheet.append(header)
            in_sheet = 1
        # Every text cell is neutralized first: none starts with "=", so openpyxl writes each
        # as a string, never as a formula.
        sheet.append([xlsx_cell(v) for v in row])
        in_sheet += 1
        count += 1
    workbook.save(target)
    return count


def xlsx_file(headers: Iterable[str], rows: Iterable[list[Any]], *, title: str) -> tuple[Any, int]:
    """The workbook in a temporary file (removed when closed), at its start, and its rows."""
    # Not a with block: the file outlives this function (the response sends it, then closes it).
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        count = write_xlsx(target, headers, rows, title=title)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count
