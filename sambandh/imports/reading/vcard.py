"""vCard files (2.1, 3.0, 4.0) read card by card into fixed columns, streamed from disk.

Each card becomes one row whose columns are ``VCARD_HEADERS``: fixed English column names (not
translated, like any file's headers) that the "vcard" preset maps to a person's fields.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vobject

from sambandh.imports.reading import encodings, errors
from sambandh.imports.reading.table import SourceRow, Table, build_row

VCARD_HEADERS = [
    "Full name",
    "Honorific prefix",
    "Given name",
    "Additional names",
    "Family name",
    "Honorific suffix",
    "Nickname",
    "Email",
    "Email 2",
    "Email 3",
    "Phone",
    "Mobile phone",
    "Home phone",
    "Work phone",
    "Other phone",
    "Fax",
    "Organization",
    "Department",
    "Job title",
    "Street",
    "Street 2",
    "City",
    "Region",
    "Postal code",
    "Country",
    "Home street",
    "Home street 2",
    "Home city",
    "Home region",
    "Home postal code",
    "Home country",
    "Birthday",
    "Website",
    "Note",
    "Categories",
    "Language",
    "Time zone",
    "UID",
]

#: A card longer than this (characters) is not kept in memory: it becomes a row error.
MAX_CARD = 1_000_000
_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)


@dataclass
class VcardTable(Table):
    format = "vcard"
    path: Path = field(default_factory=Path)

    def _cards(self) -> Iterator[tuple[int, str]]:
        """(ordinal, the card's text) for each BEGIN:VCARD ... END:VCARD block."""
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(
                raw, encoding=self.encoding, errors=encodings.errors_for(self.encoding)
            )
            ordinal = 0
            size = 0
            lines: list[str] | None = None
            for line in text:
                line = line.lstrip("\ufeff")
                if lines is None:
                    if _BEGIN.match(line):
                        ordinal += 1
                        lines, size = [line.rstrip("\r\n")], len(line)
                    continue
                if size <= MAX_CARD:
                    lines.append(line.rstrip("\r\n"))
                    size += len(line)
                if _END.match(line):
                    yield ordinal, _card_text(lines, size)
                    lines = None
            if lines is not None:
                yield ordinal, _card_text(lines, size)

    def rows(self, *, after: int = 0) -> Iterator[SourceRow]:
        for ordinal, card in self._cards():
            if ordinal <= after:
                continue
            if not card:
                empty = dict.fromkeys(self.headers, "")
                yield SourceRow(ordinal, empty, errors.card_too_long(MAX_CARD))
                continue
            try:
                values = card_values(vobject.readOne(card, allowQP=True))
            except Exception as exc:  # noqa: BLE001 - vobject raises many kinds on a bad card
                empty = dict.fromkeys(self.headers, "")
                yield SourceRow(ordinal, empty, errors.malformed_card(_short(exc)))
                continue
            cells = [values.get(header, "") for header in self.headers]
            yield build_row(ordinal, self.headers, cells, self.encoding)

    def count_rows(self) -> int:
        return sum(1 for _card in self._cards())


def _card_text(lines: list[str], size: int) -> str:
    """The card as vobject reads it; "" for a card over MAX_CARD."""
    return "" if size > MAX_CARD else "\r\n".join(lines) + "\r\n"


def open_vcard(path: Path, encoding: str) -> VcardTable:
    table = VcardTable(encoding=encoding, headers=list(VCARD_HEADERS), path=path)
    if next(table._cards(), None) is None:
        raise errors.no_cards()
    return table


def is_vcard(sample: str) -> bool:
    first = sample.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    return bool(_BEGIN.match(first.rstrip("\r")))


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _types(line: Any) -> set[str]:
    found = {name.lower() for name in getattr(line, "singletonparams", [])}
    for value in line.params.get("TYPE", []):
        found.update(part.strip().strip('"').lower() for part in value.split(","))
    if line.params.get("PREF"):
        found.add("pref")
    return found


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item).strip() for item in value if str(item).strip())
    return str(value or "").strip()


def card_values(card: Any) -> dict[str, str]:
    """The fixed columns filled from one parsed card."""
    values: dict[str, str] = {}
    contents: dict[str, list[Any]] = card.contents

    def first(name: str) -> str:
        lines = contents.get(name.lower(), [])
        return _text(lines[0].value) if lines else ""

    values["Full name"] = first("FN")
    if contents.get("n"):
        name = contents["n"][0].value
        values["Honorific prefix"] = _text(name.prefix)
        values["Given name"] = _text(name.given)
        values["Additional names"] = _text(name.additional)
        values["Family name"] = _text(name.family)
        values["Honorific suffix"] = _text(name.suffix)
    values["Nickname"] = first("NICKNAME")
    emails = sorted(contents.get("email", []), key=lambda line: "pref" not in _types(line))
    for slot, line in zip(("Email", "Email 2", "Email 3"), emails, strict=False):
        values[slot] = _text(line.value)
    _phones(contents.get("tel", []), values)
    _addresses(contents.get("adr", []), values)
    if contents.get("org"):
        org = contents["org"][0].value
        parts = org if isinstance(org, list) else [org]
        values["Organization"] = str(parts[0]).strip() if parts else ""
        values["Department"] = ", ".join(str(part).strip() for part in parts[1:] if part)
    values["Job title"] = first("TITLE")
    values["Birthday"] = _iso_date(first("BDAY"))
    values["Website"] = first("URL")
    values["Note"] = first("NOTE")
    values["Categories"] = ", ".join(
        _text(line.value) for line in contents.get("categories", []) if _text(line.value)
    )
    values["Language"] = first("LANG")
    values["Time zone"] = first("TZ")
    values["UID"] = first("UID")
    return values


def _phones(lines: list[Any], values: dict[str, str]) -> None:
    for line in sorted(lines, key=lambda line: "pref" not in _types(line)):
        number = re.sub(r"^tel:", "", _text(line.value), flags=re.IGNORECASE)
        kinds = _types(line)
        if "fax" in kinds:
            slot = "Fax"
        elif "cell" in kinds or "mobile" in kinds:
            slot = "Mobile phone"
        elif "home" in kinds:
            slot = "Home phone"
        elif "work" in kinds:
            slot = "Work phone"
        else:
            slot = "Phone"
        for candidate in (slot, "Phone", "Other phone"):
            if not values.get(candidate):
                values[candidate] = number
                break


_ADDRESS_COLUMNS = {
    "work": ("Street", "Street 2", "City", "Region", "Postal code", "Country"),
    "home": (
        "Home street",
        "Home street 2",
        "Home city",
        "Home region",
        "Home postal code",
        "Home country",
    ),
}


def _addresses(lines: list[Any], values: dict[str, str]) -> None:
    """A home address fills the home columns, any other the main ones; the second address of
    a kind goes to the other kind's columns when they are free."""
    for line in lines:
        order = ("home", "work") if "home" in _types(line) else ("work", "home")
        for kind in order:
            columns = _ADDRESS_COLUMNS[kind]
            if any(values.get(column) for column in columns):
                continue
            address = line.value
            extra = (_text(address.extended), _text(address.box))
            parts = (
                _text(address.street),
                ", ".join(part for part in extra if part),
                _text(address.city),
                _text(address.region),
                _text(address.code),
                _text(address.country),
            )
            values.update(zip(columns, parts, strict=True))
            break


def _iso_date(text: str) -> str:
    """vCard dates ("19800115", "1980-01-15T00:00:00Z", "--0115") as ISO text."""
    text = text.strip().split("T")[0]
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"--\d{4}", text):
        return f"--{text[2:4]}-{text[4:]}"
    return text
