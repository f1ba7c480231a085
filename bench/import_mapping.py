"""How many columns of real exports the import maps with no help.

For each product's export header list (sambandh/imports/tests/fixtures/export_headers/, one file
per product and record type) prints the share of columns ``auto_map`` maps with no preset given
(it may recognize the product, then uses its preset), the share matched by names alone (no
preset at all), and, of the columns the product's preset sends to a field of their own, the
share that names alone send to the same field; then the totals. Target: at least 80% per file
for auto_map.

    .venv/bin/python -m bench.import_mapping [--show]
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

import django

FIXTURES = Path(__file__).resolve().parents[1] / "sambandh/imports/tests/fixtures/export_headers"
TARGET = 0.80
_JOINED = ("description", "tags")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each column's mapping")
    args = parser.parse_args()
    _setup()
    from django.utils.translation import override

    from sambandh.imports.mapping import PRESETS, auto_map, detect_preset
    from sambandh.imports.mapping.automap import map_by_name

    total = mapped = by_name = fields_total = fields_right = 0
    below = []
    print(
        f"{'export':<28} {'cols':>5} {'preset':>12} {'auto_map':>9} {'by name':>8} "
        f"{'fields':>6} {'by name right':>13}"
    )
    with override("en"):
        for path in sorted(FIXTURES.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as stream:
                headers = next(csv.reader(stream))
            record_type = path.stem.split("_")[1]
            auto = auto_map(headers, record_type)
            names = map_by_name(headers, record_type)
            hits = sum(1 for key in auto.values() if key)
            name_hits = sum(1 for key in names.values() if key)
            total += len(headers)
            mapped += hits
            by_name += name_hits
            share = hits / len(headers)
            if share < TARGET:
                below.append(path.stem)
            preset = detect_preset(headers, record_type) or "-"
            # The columns the product's preset sends to a field of their own (not joined into
            # the description or tags), and how many of them matching by name alone gets right.
            declared = PRESETS[path.stem.split("_")[0]].mapping_for(record_type)
            fields = [h for h in headers if declared.get(h) not in (None, "", *_JOINED)]
            right = sum(1 for h in fields if names[h] == declared[h])
            fields_total += len(fields)
            fields_right += right
            print(
                f"{path.stem:<28} {len(headers):>5} {preset:>12} {share:>9.1%} "
                f"{name_hits / len(headers):>8.1%} {len(fields):>6} {right / len(fields):>13.1%}"
            )
            if args.show:
                for header in headers:
                    print(f"    {header!r:<50} auto={auto[header]!r:<18} name={names[header]!r}")
    print(
        f"{'total':<28} {total:>5} {'':>12} {mapped / total:>9.1%} {by_name / total:>8.1%} "
        f"{fields_total:>6} {fields_right / fields_total:>13.1%}"
    )
    print("below 80%: " + (", ".join(below) if below else "none"))
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
