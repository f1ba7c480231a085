"""The new deal form's currency options, asked again (htmx) when its organization or first
person changes: the default option then names the currency the deal will be priced in."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sambandh.contacts import selectors as contacts_selectors
from sambandh.sales.services import deal_default_currency
from sambandh.web.forms import currency_choices, resolve_record
from sambandh.web.http import AuthedRequest, page


@page
@require_GET
def deal_currency_options(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    org, _error = resolve_record(
        contacts_selectors.organizations_visible(viewer), request.GET.get("organization", "")
    )
    person, _error = resolve_record(
        contacts_selectors.people_visible(viewer),
        request.GET.get("person_0", ""),
        name_field="full_name",
    )
    code, source = deal_default_currency(
        organization=org, people=[person] if person else [], owner=viewer
    )
    label = {
        "organization": _("The organization's: %(code)s"),
        "person": _("The person's: %(code)s"),
        "owner": _("The owner's: %(code)s"),
    }[source] % {"code": code}
    return render(
        request,
        "sales/_currency_options.html",
        {
            "default_label": label,
            "choices": currency_choices(),
            "selected": request.GET.get("currency", ""),
        },
    )
