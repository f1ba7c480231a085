"""How many of OpenCage's address-formatting test cases our formatter writes exactly.

    .venv/bin/python bench/address_conformance.py [--show N]

Each case gives an address's components (road, house_number, city, postcode, state, country,
and many more: suburbs, shops, hotels) and the lines OpenCage's own templates write. The
product's formatter, ``sambandh.core.address_layouts.format_components`` (the one
``format_address`` and the record pages use), writes each case's components with one
configuration (data/address_layouts.json); a case counts when every line is the same. A second
figure keeps each case as a Sambandh address first (street, city, region, postal code, country)
and writes that, as a record page does. tests/platform/test_phone_address_conformance.py keeps
the first figure from falling. The data is in tests/platform/data/phone_address (test fixtures,
see its README).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/platform/data/phone_address/opencage_address_formatting_testcases"


def load_cases() -> list[tuple[str, dict[str, Any], str]]:
    data = json.loads((CASES / "testcases.json").read_text(encoding="utf-8"))
    return [
        (name, case["components"], case["expected"])
        for name, cases in sorted(data.items())
        for case in cases
    ]


def measure(show: int = 0) -> tuple[int, int]:
    """Exact cases when the product's formatter writes each case's components."""
    from sambandh.core.address_layouts import format_components

    cases = load_cases()
    exact = 0
    shown = 0
    for name, components, expected in cases:
        got = "\n".join(format_components(components))
        if got.strip() == expected.strip():
            exact += 1
        elif shown < show:
            shown += 1
            print(f"--- {name}\n{got}\n--- expected\n{expected}")
    return exact, len(cases)


def measure_stored() -> tuple[int, int]:
    """Exact cases when each case is first kept as a Sambandh address (street, city, region,
    postal code, country: ``components_to_address``) and then written by ``format_address``,
    as a record page writes it. What the five fields cannot hold (a shop's name, a suburb, a
    county) is lost, so this figure is lower; it is printed for information."""
    from sambandh.core.address_layouts import components_to_address, format_components
    from sambandh.core.addresses import format_address

    cases = load_cases()
    exact = 0
    for _name, components, expected in cases:
        lines = format_components(components)
        # the country named as the layout names it (a record page names it in the viewer's
        # language)
        country_name = lines[-1] if components.get("country") and lines else ""
        got = "\n".join(
            format_address(**components_to_address(components), country_name=country_name)
        )
        exact += got.strip() == expected.strip()
    return exact, len(cases)


def main() -> None:
    import os

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
    exact, total = measure(show)
    print(f"address formatting: {exact} of {total} OpenCage cases exact ({exact / total:.1%})")
    stored, total = measure_stored()
    print(
        f"kept as street/city/region/postal code first: {stored} of {total} ({stored / total:.1%})"
    )


if __name__ == "__main__":
    main()
