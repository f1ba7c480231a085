"""The duplicate candidates shown beside a create form while it is filled in (htmx): the
form's name, email, phone, domain and company fields ask for them as they change (the contacts
forms send their own field names: ``email_0`` and ``phone_0`` are the first email and phone
rows; the lead form sends ``email`` and ``phone``). Watched fields: dedupe/forms.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sambandh.dedupe.candidates import candidates_for
from sambandh.web.http import AuthedRequest, page

#: The form's names for the values ``candidates_for`` reads.
_FORM_NAMES = {
    "email_0": "email",
    "phone_0": "phone",
}
_READ = (
    "given_name",
    "family_name",
    "full_name",
    "name",
    "domain",
    "website",
    "country",
    "company",
)


def form_values(query: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: query.get(name, "")[:300] for name in _READ}
    for form_name, name in _FORM_NAMES.items():
        values[name] = (query.get(form_name) or query.get(name, ""))[:300]
    return values


@page
@require_GET
def candidates(request: AuthedRequest, record_type: str) -> HttpResponse:
    found = candidates_for(
        viewer=request.user, record_type=record_type, values=form_values(request.GET)
    )
    return render(
        request, "dedupe/_candidates.html", {"candidates": found, "record_type": record_type}
    )
