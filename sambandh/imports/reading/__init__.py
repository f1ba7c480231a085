"""Reading an import file: CSV in any delimiter and encoding, XLSX, vCard; detected from the
bytes, streamed row by row (docs/import-files.md)."""

from __future__ import annotations

import os
from pathlib import Path

from sambandh.imports.reading import detect, errors
from sambandh.imports.reading.csvfile import CsvTable, decoded_sample, open_csv
from sambandh.imports.reading.errors import ImportFileError
from sambandh.imports.reading.table import MAX_CELL, MAX_COLUMNS, SourceRow, Table
from sambandh.imports.reading.vcard import VCARD_HEADERS, VcardTable, is_vcard, open_vcard
from sambandh.imports.reading.xlsx import XlsxTable, open_xlsx

__all__ = [
    "MAX_CELL",
    "MAX_COLUMNS",
    "VCARD_HEADERS",
    "CsvTable",
    "ImportFileError",
    "SourceRow",
    "Table",
    "VcardTable",
    "XlsxTable",
    "open_table",
]


def open_table(path: str | os.PathLike[str], *, filename: str = "") -> Table:
    """The readable table in the file at ``path``; raises ImportFileError with a translated
    message when the file as a whole cannot be read. ``filename`` (the name the user gave it)
    is not used to decide the format: the bytes are."""
    file = Path(path)
    try:
        with file.open("rb") as stream:
            head = stream.read(detect.SAMPLE)
    except OSError as exc:
        raise errors.unreadable_file() from exc
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise errors.empty_file()
    if head.startswith(b"PK") and detect.is_xlsx(file):
        return open_xlsx(file)
    kind = detect.binary_kind(head)
    if kind:
        raise errors.binary_file(kind)
    encoding = detect.text_encoding(file, head)
    sample = decoded_sample(head, encoding)
    if detect.looks_binary(sample):
        raise errors.binary_file(detect.binary_label())
    if not sample.strip():
        raise errors.empty_file()
    if is_vcard(sample):
        return open_vcard(file, encoding)
    return open_csv(file, sample, encoding)
