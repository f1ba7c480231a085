"""Where the engine gets its file reader and column mapping from: the one line to switch when
``sambandh.imports.reading`` and ``sambandh.imports.mapping`` land (they replace the stand-in,
which implements the same interface)."""

from __future__ import annotations

from sambandh.imports._standin import (
    PRESETS,
    ImportFileError,
    SourceRow,
    Table,
    Target,
    auto_map,
    detect_preset,
    open_table,
    preset_choices,
    targets,
)

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
