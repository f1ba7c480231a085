"""Mapping an import file's columns to the fields of a record type: targets, presets for the
exports of other products, and automatic mapping (docs/import-files.md)."""

from __future__ import annotations

from sambandh.imports.mapping.automap import auto_map
from sambandh.imports.mapping.presets import PRESETS, Preset, detect_preset, preset_choices
from sambandh.imports.mapping.targets import RECORD_TYPES, Target, targets

__all__ = [
    "PRESETS",
    "RECORD_TYPES",
    "Preset",
    "Target",
    "auto_map",
    "detect_preset",
    "preset_choices",
    "targets",
]
