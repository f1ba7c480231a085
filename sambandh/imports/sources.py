"""Where the engine gets its file reader (``sambandh.imports.reading``) and column mapping
(``sambandh.imports.mapping``) from: one module, so the engine names neither package's inside."""

from __future__ import annotations

from sambandh.imports.mapping import (
    PRESETS,
    Target,
    auto_map,
    detect_preset,
    preset_choices,
    targets,
)
from sambandh.imports.reading import ImportFileError, SourceRow, Table, open_table

__all__ = [
    "PRESETS",
    "ImportFileError",
    "SourceRow",
    "Table",
    "Target",
    "auto_map",
    "detect_preset",
    "open_table",
    "preset_choices",
    "targets",
]
