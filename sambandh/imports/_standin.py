"""A minimal stand-in for ``sambandh.imports.reading`` and ``sambandh.imports.mapping`` (written
by another branch): UTF-8 CSV through csv.DictReader, and exact-header mapping. Same interface,
so ``sources.py`` switches to the real packages by changing one import. Delete once they land.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The whole file cannot be read; .message is a translated sentence for the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class SourceRow:
    number: int
    values: dict[str, str]
    error: str = ""


@dataclass
class Table:
    path: str
    headers: list[str]
    format: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","

    def rows(self, *, after: int = 0) -> Iterator[SourceRow]:
        with open(self.path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            for index, cells in enumerate(reader):
                number = index + 2
                if number <= after:
                    continue
                values = {
                    h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.headers)
                }
                extra = [c for c in cells[len(self.headers) :] if c.strip()]
                error = _("This row has more fields than the header.") if extra else ""
                yield SourceRow(number=number, values=values, error=error)

    def count_rows(self) -> int:
        return sum(1 for _row in self.rows())


def open_table(path: str | os.PathLike[str], *, filename: str = "") -> Table:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text.")) from None
    except OSError:
        raise ImportFileError(_("The file cannot be read.")) from None
    if not first.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    headers = next(csv.reader([first], delimiter=delimiter))
    return Table(path=str(path), headers=[h.strip() for h in headers], delimiter=delimiter)


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    kind: str = "text"


_KEYS: dict[str, list[str]] = {
    "people": [
        "full_name",
        "honorific",
        "given_name",
        "middle_name",
        "family_name",
        "job_title",
        "organization",
        "birth_date",
        "birth_year",
        "birth_month",
        "birth_day",
        "email",
        "email_2",
        "email_3",
        "phone",
        "work_phone",
        "mobile_phone",
        "home_phone",
        "other_phone",
        "fax",
        "street",
        "street_2",
        "street_3",
        "city",
        "region",
        "postal_code",
        "country",
        "home_street",
        "home_street_2",
        "home_city",
        "home_region",
        "home_postal_code",
        "home_country",
        "website",
        "preferred_language",
        "time_zone",
        "currency",
        "source",
        "description",
        "tags",
        "owner",
        "external_id",
    ],
    "organizations": [
        "name",
        "domain",
        "website",
        "industry",
        "size",
        "employees",
        "description",
        "parent",
        "country",
        "currency",
        "time_zone",
        "email",
        "phone",
        "fax",
        "street",
        "street_2",
        "city",
        "region",
        "postal_code",
        "tags",
        "owner",
        "external_id",
    ],
    "leads": [
        "full_name",
        "given_name",
        "family_name",
        "company",
        "job_title",
        "email",
        "phone",
        "status",
        "source",
        "country",
        "preferred_language",
        "description",
        "tags",
        "owner",
        "external_id",
    ],
    "deals": [
        "name",
        "amount",
        "currency",
        "pipeline",
        "stage",
        "organization",
        "person",
        "expected_close_date",
        "closed_on",
        "probability",
        "source",
        "description",
        "tags",
        "owner",
        "external_id",
    ],
}


def targets(
    record_type: str, *, custom_fields: Iterable[tuple[str, str, str]] = ()
) -> list[Target]:
    out = [Target(k, k.replace("_", " ")) for k in _KEYS.get(record_type, ())]
    out += [Target(f"custom.{k}", label, kind) for k, label, kind in custom_fields]
    return out


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "thunderbird": Preset(
        "thunderbird",
        "Thunderbird",
        {
            "people": {
                "First Name": "given_name",
                "Last Name": "family_name",
                "Display Name": "full_name",
                "Primary Email": "email",
                "Secondary Email": "email_2",
                "Work Phone": "work_phone",
                "Home Phone": "home_phone",
                "Mobile Number": "mobile_phone",
                "Job Title": "job_title",
                "Organization": "organization",
                "Notes": "description",
            }
        },
    )
}


def detect_preset(headers: list[str], record_type: str) -> str | None:
    for name, preset in PRESETS.items():
        known = preset.mappings.get(record_type, {})
        if known and sum(h in known for h in headers) >= max(3, len(known) // 2):
            return name
    return None


def auto_map(
    headers: list[str],
    record_type: str,
    *,
    preset: str | None = None,
    custom_fields: Iterable[tuple[str, str, str]] = (),
) -> dict[str, str]:
    chosen = preset or detect_preset(headers, record_type)
    known = PRESETS[chosen].mappings.get(record_type, {}) if chosen in PRESETS else {}
    by_name: dict[str, str] = {}
    for t in targets(record_type, custom_fields=custom_fields):
        by_name.setdefault(t.key.lower(), t.key)
        by_name.setdefault(t.label.lower(), t.key)
    out: dict[str, str] = {}
    used: set[str] = set()
    for h in headers:
        key = known.get(h) or by_name.get(h.strip().lower(), "")
        if key and key in used and key not in ("tags", "description"):
            key = ""
        out[h] = key
        if key:
            used.add(key)
    return out


def preset_choices(record_type: str) -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in PRESETS.values() if record_type in p.mappings]
