"""Built-in presets: how each product's exports name their columns (data/<name>.json, written
from the products' documented export formats), and recognizing a file's product by its headers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sambandh.imports.mapping.normalize import normalize
from sambandh.imports.mapping.targets import check_record_type

DATA = Path(__file__).resolve().parent / "data"
NAMES = ("salesforce", "hubspot", "zoho", "pipedrive", "outlook", "google", "thunderbird", "vcard")
#: A file is recognized as a product's export when this share of its headers, and at least
#: ``_MIN_KNOWN`` of them, are that export's own column names.
_MIN_SHARE = 0.6
_MIN_KNOWN = 3


@dataclass(frozen=True)
class Preset:
    name: str
    #: The product's name, the same in every language.
    label: str
    #: record type -> header -> target key ("" = a known column that is not imported).
    mappings: dict[str, dict[str, str]]

    def mapping_for(self, record_type: str) -> dict[str, str]:
        return self.mappings.get(record_type, {})

    def lookup(self, record_type: str) -> dict[str, str]:
        """Normalized header -> key, so "E-mail address" finds "E-mail Address"."""
        return _normalized(self.name, record_type)


def _load(name: str) -> Preset:
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return Preset(name=data["name"], label=data["label"], mappings=data["mappings"])


PRESETS: dict[str, Preset] = {name: _load(name) for name in NAMES}


@cache
def _normalized(name: str, record_type: str) -> dict[str, str]:
    mapping = PRESETS[name].mapping_for(record_type)
    return {normalize(header): key for header, key in mapping.items()}


def preset_choices(record_type: str) -> list[tuple[str, str]]:
    """(name, label) of the presets that know ``record_type``, for a select."""
    check_record_type(record_type)
    return [(p.name, p.label) for p in PRESETS.values() if p.mapping_for(record_type)]


def detect_preset(headers: list[str], record_type: str) -> str | None:
    """The product whose export these headers most look like, or None."""
    check_record_type(record_type)
    names = [normalize(header) for header in headers if header.strip()]
    if not names:
        return None
    best: tuple[float, int] = (0.0, 0)
    found: str | None = None
    for preset in PRESETS.values():
        known = preset.lookup(record_type)
        if not known:
            continue
        hits = sum(1 for name in names if name in known)
        share = hits / len(names)
        if share < _MIN_SHARE or hits < _MIN_KNOWN:
            continue
        if (share, hits) > best:
            best, found = (share, hits), preset.name
    return found
