"""What every reader returns: a ``Table`` of named columns streamed as ``SourceRow``s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from sambandh.imports.reading import errors

#: A row naming more columns than this is refused as a whole file.
MAX_COLUMNS = 1000
#: A cell longer than this is left out of its row, and the row says so.
MAX_CELL = 100_000


@dataclass(frozen=True, slots=True)
class SourceRow:
    #: The row as a spreadsheet numbers it (header = 1, first data row = 2); a vCard's ordinal.
    number: int
    #: Header -> cell text ("" for a missing cell).
    values: dict[str, str]
    #: A translated problem with this row; ``values`` may then be partial.
    error: str = ""


@dataclass
class Table:
    """A readable file: its detected shape, and its rows streamed on demand."""

    format: ClassVar[str] = ""
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)

    def rows(self, *, after: int = 0) -> Iterator[SourceRow]:  # pragma: no cover - abstract
        raise NotImplementedError

    def count_rows(self) -> int:
        return sum(1 for _row in self.rows())


def unique_headers(cells: list[str]) -> list[str]:
    """Header cells made usable as keys: trimmed; a blank one is "Column 7" (its position);
    a repeated one is "Email (2)". Fixed English, not translated: they are column names that a
    saved mapping and a resumed import must find again whatever the reader's language."""
    names = [cell.strip().lstrip("\ufeff").strip() for cell in cells]
    taken = {name.casefold() for name in names if name}
    seen: set[str] = set()
    result = []
    for position, name in enumerate(names, start=1):
        if not name:
            name = _free(f"Column {position}", taken)
        elif name.casefold() in seen:
            name = _free_numbered(name, taken)
        seen.add(name.casefold())
        taken.add(name.casefold())
        result.append(name)
    return result


def _free(name: str, taken: set[str]) -> str:
    return name if name.casefold() not in taken else _free_numbered(name, taken)


def _free_numbered(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name} ({number})".casefold() in taken:
        number += 1
    return f"{name} ({number})"


def check_header(cells: list[str]) -> list[str]:
    """The header row's cells without trailing blanks; refuses a row that is data, or too wide."""
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    if not cells:
        raise errors.no_header()
    if len(cells) > MAX_COLUMNS:
        raise errors.too_many_columns(len(cells), MAX_COLUMNS)
    if _looks_like_data(cells):
        raise errors.no_header()
    return unique_headers(cells)


def _looks_like_data(cells: list[str]) -> bool:
    """A header names columns: an email address, or nothing but numbers, is data."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if any("@" in cell and "." in cell.split("@")[-1] and " " not in cell for cell in filled):
        return True
    numeric = [cell for cell in filled if cell.replace(".", "").replace("-", "").isdigit()]
    return bool(filled) and len(numeric) == len(filled)


#: Encodings whose decoding may have replaced a byte: cells are checked for it.
LOSSY = ("cp1252", "utf-16", "utf-16-le", "utf-16-be")


def build_row(number: int, headers: list[str], cells: list[str], encoding: str) -> SourceRow:
    """One data row from its cells: missing cells are "", extra blank cells are ignored; extra
    filled cells, a giant cell or undecodable characters make the row's error."""
    width = len(headers)
    lossy = encoding in LOSSY
    if (
        len(cells) == width
        and max(map(len, cells), default=0) <= MAX_CELL
        and not (lossy and any(_undecoded(cell) for cell in cells))
    ):
        return SourceRow(number=number, values=dict(zip(headers, cells, strict=True)))
    problems: list[str] = []
    extra = cells[width:]
    if any(cell.strip() for cell in extra):
        problems.append(errors.too_many_fields(len(cells), width))
    values: dict[str, str] = {}
    for index, header in enumerate(headers):
        cell = cells[index] if index < len(cells) else ""
        if len(cell) > MAX_CELL:
            problems.append(errors.cell_too_long(header, MAX_CELL))
            cell = ""
        elif lossy and _undecoded(cell):
            problems.append(errors.undecodable(header, encoding))
            cell = cell.replace("\x00", "")
        values[header] = cell
    return SourceRow(number=number, values=values, error=" ".join(problems))


def _undecoded(text: str) -> bool:
    """U+FFFD (a replaced byte), a C1 control (a byte Windows-1252 does not define), or NUL
    (which UTF-16 can encode and no database stores in text)."""
    if "\x00" in text:
        return True
    return not text.isascii() and any(char == "\ufffd" or "\x80" <= char <= "\x9f" for char in text)
