"""The create forms' side of the duplicate candidates: which fields ask for them as they are
typed in (htmx, debounced; sambandh/dedupe/views_candidates.py answers). Not on the edit
forms."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

#: The create form's fields that ask, per record type (the contacts forms name their first
#: email and phone rows ``email_0`` and ``phone_0``; the lead form has one of each).
DUPLICATE_WATCHED = {
    "person": ("given_name", "family_name", "full_name", "email_0", "phone_0"),
    "organization": ("name", "domain", "website", "email_0", "phone_0"),
    "lead": ("full_name", "company", "email", "phone"),
}


def watch_duplicates(form: Any, record_type: str) -> Any:
    """``form`` with its watched fields asking for candidates as they change, each sending the
    others' values too (and the country, which reads a national phone number). A field hidden
    from the viewer is not on the form: never sent."""
    url = reverse(f"dedupe:{record_type}_candidates")
    for name in (*DUPLICATE_WATCHED[record_type], "country"):
        field = form.fields.get(name)
        if field is None:
            continue
        if name == "country":
            field.widget.attrs["data-dupcheck"] = ""
            continue
        field.widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#duplicate-candidates",
                "hx-include": "[data-dupcheck]",
                "hx-sync": "#duplicate-candidates:replace",
                "data-dupcheck": "",
            }
        )
    return form
