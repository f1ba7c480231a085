"""The API's contact lists and tag names of a person, read the slow way: from the rows."""

from __future__ import annotations

from typing import Any

from sambandh.contacts.models import Person

_ORDER = "-is_primary", "id"


def lists_from_rows(p: Person) -> dict[str, Any]:
    return {
        "emails": [
            {"email": e.email, "label": e.label, "is_primary": e.is_primary}
            for e in p.emails.order_by(*_ORDER)
        ],
        "phones": [
            {"number": t.e164, "label": t.label, "is_primary": t.is_primary}
            for t in p.phones.order_by(*_ORDER)
        ],
        "addresses": [
            {
                "street": a.street,
                "city": a.city,
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
                "label": a.label,
                "is_primary": a.is_primary,
            }
            for a in p.addresses.order_by(*_ORDER)
        ],
        "tags": sorted(p.tags.values_list("name", flat=True)),
    }
