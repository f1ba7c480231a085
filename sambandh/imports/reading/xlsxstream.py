"""A streaming reader of an XLSX file's first sheet: the sheet's XML parsed event by event and
each row dropped once read, so memory does not grow with the sheet (openpyxl's read-only mode
keeps a stub of every row it has read, and parses every text cell as rich text).

Only what an import needs: cell values as openpyxl would give them (shared and inline strings,
numbers, booleans, errors, formulas' cached values, dates by their number format). Anything it
does not expect raises ``Unsupported`` when the workbook is opened, and the caller falls back to
openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import iterparse  # noqa: S405 - expat refuses entity expansion bombs

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLUMN = re.compile(r"([A-Z]+)")
_INTEGER = re.compile(r"-?\d+")


class Unsupported(Exception):
    """The workbook is laid out in a way this reader does not know."""


def _column(reference: str) -> int:
    """ "C7" -> 2 (zero-based)."""
    letters = _COLUMN.match(reference)
    if not letters:
        raise Unsupported(reference)
    number = 0
    for letter in letters.group(1):
        number = number * 26 + ord(letter) - 64
    return number - 1


def _parse(stream: IO[bytes]) -> Any:
    return iterparse(stream, events=("end",))  # noqa: S314 - see the import


def _text(element: Any) -> str:
    """The text runs of a string item, without its phonetic (ruby) runs."""
    parts = []
    for node in element.iter():
        if node.tag == f"{_MAIN}rPh":
            break
        if node.tag == f"{_MAIN}t" and node.text:
            parts.append(node.text)
    return "".join(parts)


class Workbook:
    """The first sheet's location, shared strings, date styles and calendar."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        workbook = self._tree("xl/workbook.xml")
        sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
        if sheet is None:
            raise Unsupported("no sheet")
        relation = sheet.get(f"{_REL}id")
        properties = workbook.find(f"{_MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheet = ""
        for rel in self._tree("xl/_rels/workbook.xml.rels").iter(f"{_PKG}Relationship"):
            if rel.get("Id") == relation:
                target = rel.get("Target", "")
                self.sheet = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
        if self.sheet not in names:
            raise Unsupported("sheet not found")
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as stream:
                for _event, element in _parse(stream):
                    if element.tag == f"{_MAIN}si":
                        self.strings.append(_text(element))
                        element.clear()
        self.dates: set[int] = set()
        if "xl/styles.xml" in names:
            styles = self._tree("xl/styles.xml")
            custom = {
                int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
                for fmt in styles.iter(f"{_MAIN}numFmt")
            }
            xfs = styles.find(f"{_MAIN}cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else []):
                number = int(xf.get("numFmtId", "0"))
                code = custom.get(number) or BUILTIN_FORMATS.get(number, "")
                if code and is_date_format(code):
                    self.dates.add(index)

    def _tree(self, name: str) -> Any:
        with self.archive.open(name) as stream:
            root = None
            for _event, element in _parse(stream):
                root = element
            return root

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values) for every row the sheet holds, in order; a row not written
        (blank in Excel) is not yielded."""
        with self.archive.open(self.sheet) as stream:
            number = 0
            parent = None
            for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314
                if event == "start":
                    if element.tag == f"{_MAIN}sheetData":
                        parent = element
                    continue
                if element.tag != f"{_MAIN}row":
                    continue
                number = int(element.get("r") or number + 1)
                values: list[Any] = []
                for cell in element.iter(f"{_MAIN}c"):
                    reference = cell.get("r")
                    position = _column(reference) if reference else len(values)
                    if position > len(values):
                        values.extend([None] * (position - len(values)))
                    values.append(self._value(cell))
                # Dropping the row from its parent (not only emptying it) keeps memory flat.
                if parent is not None:
                    parent.clear()
                else:
                    element.clear()
                yield number, values

    def _value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{_MAIN}is")
            return _text(inline) if inline is not None else None
        raw = cell.findtext(f"{_MAIN}v")
        if not raw:
            return None  # no value, or a formula never computed
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return raw in ("1", "true")
        if kind in ("str", "e", "d"):
            return raw
        if int(cell.get("s", "0")) in self.dates:
            return from_excel(float(raw), self.epoch)
        # Whole numbers stay exact (a 16-digit ID stored as a number), as openpyxl reads them.
        return int(raw) if _INTEGER.fullmatch(raw) else float(raw)
