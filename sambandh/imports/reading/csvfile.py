"""Delimited text (CSV, TSV, ...) streamed from disk: one record in memory at a time."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sambandh.imports.reading import detect, encodings, errors
from sambandh.imports.reading.table import (
    LOSSY,
    MAX_CELL,
    SourceRow,
    Table,
    build_row,
    check_header,
)

# The csv module refuses a field over 128 KiB by default; a giant cell must reach the row
# builder, which leaves it out with a row error, rather than derail the parser. Raised once,
# process-wide, and only ever upwards.
if csv.field_size_limit() < 16 * 1024 * 1024:
    csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class CsvTable(Table):
    format = "csv"
    path: Path = field(default_factory=Path)
    header_number: int = 1
    #: Records before the header that are not data (Excel's "sep=;" line).
    preamble: int = 0
    #: A mixed file read as Windows-1252: cells that were UTF-8 are put back.
    mixed: bool = False

    def _records(self) -> Iterator[tuple[int, list[str] | None, str]]:
        """(number, cells, parse error); number counts records as a spreadsheet counts rows."""
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(
                raw,
                encoding=self.encoding,
                errors=encodings.errors_for(self.encoding),
                newline="",
            )
            reader = csv.reader(text, delimiter=self.delimiter or ",")
            number = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    number += 1
                    yield number, None, str(exc)
                    continue
                number += 1
                yield number, cells, ""

    def rows(self, *, after: int = 0) -> Iterator[SourceRow]:
        headers = self.headers
        width = len(headers)
        start = max(after, self.header_number)
        # The common row (as wide as the header, small cells, no byte that needed replacing)
        # is built inline: this loop runs a million times for a million-row file.
        plain = not self.mixed and self.encoding not in LOSSY
        for number, cells, problem in self._records():
            if number <= start:
                continue
            if cells is None:
                empty = dict.fromkeys(headers, "")
                yield SourceRow(number, empty, errors.malformed_row(problem))
                continue
            if plain and len(cells) == width and max(map(len, cells)) <= MAX_CELL and any(cells):
                yield SourceRow(number, dict(zip(headers, cells, strict=True)))
                continue
            if not any(cells):
                continue  # a blank line: numbered like a spreadsheet row, but not data
            if self.mixed:
                cells = [encodings.repair(cell) for cell in cells]
            yield build_row(number, headers, cells, self.encoding)

    def count_rows(self) -> int:
        return sum(
            1
            for number, cells, _problem in self._records()
            if number > self.header_number and (cells is None or any(cells))
        )


_SEP_LINE = re.compile(r"\A[ \t]*sep=([,;\t|])[ \t]*\r?\n", re.IGNORECASE)


def open_csv(path: Path, sample: str, encoding: str) -> CsvTable:
    """A CSV table over ``path`` whose start, decoded, is ``sample``."""
    # Excel writes (and reads) a first line "sep=;" naming the delimiter: it is not the header.
    hint = _SEP_LINE.match(sample)
    table = CsvTable(
        encoding=encoding,
        delimiter=hint.group(1) if hint else detect.sniff_delimiter(sample),
        path=path,
        mixed=encoding == "cp1252" and detect.has_utf8_sequences(path),
        preamble=1 if hint else 0,
    )
    _find_header(table)
    return table


def decoded_sample(head: bytes, encoding: str) -> str:
    """The first bytes decoded for sniffing (a character cut at the end is dropped)."""
    cut = head[: len(head) - len(head) % 2] if encoding.startswith("utf-16") else head
    text = cut.decode(encoding, errors="ignore" if encoding != "cp1252" else encodings.LENIENT)
    return text.lstrip("\ufeff")


def _find_header(table: CsvTable) -> None:
    """The first non-blank record is the header; at least one data record must follow."""
    header: list[str] | None = None
    for number, cells, problem in table._records():
        if number <= table.preamble:
            continue
        if cells is None:
            if header is None:
                raise errors.ImportFileError(errors.malformed_row(problem))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            table.header_number = number
            if table.mixed:
                cells = [encodings.repair(cell) for cell in cells]
            table.headers = check_header(cells)
            continue
        return
    if header is None:
        raise errors.empty_file()
    raise errors.only_header()
