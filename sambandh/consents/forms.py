"""The form of the person page's Consents section: what the browser posts, turned into the
same ConsentInput the API gives the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.consents.models import Channel, LawfulBasis, Purpose, Status
from sambandh.consents.services import ConsentInput
from sambandh.web.form_fields import LocalDateField
from sambandh.web.forms import ServiceForm

STATUS_CHOICES = [
    (Status.GRANTED.value, _("Granted")),
    (Status.WITHDRAWN.value, _("Withdrawn")),
    (Status.PENDING.value, _("Ask the person to confirm by email")),
]


class ConsentForm(ServiceForm):
    prefix = "consent"
    service_fields = {"proof.text": "proof_text", "proof.form": "proof_form"}

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("The purpose's usual channel")), *Channel.choices],
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES)
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"), choices=LawfulBasis.choices, initial=LawfulBasis.CONSENT
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("Where it came from: a web form, a call, a signed paper form…"),
    )
    proof_form = forms.CharField(label=_("Form"), max_length=200, required=False)
    proof_text = forms.CharField(
        label=_("Exact words shown to the person"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expires_on = LocalDateField(label=_("Expires on"), required=False)

    def to_service(self) -> ConsentInput:
        data: dict[str, Any] = self.cleaned_data
        expires = data.get("expires_on")
        expires_at = None
        if expires is not None:
            # the end of that day, in the viewer's time zone
            expires_at = timezone.make_aware(
                dt.datetime.combine(expires, dt.time(23, 59, 59)), timezone.get_current_timezone()
            )
        return ConsentInput(
            purpose=data["purpose"],
            status=data["status"],
            source=data["source"],
            lawful_basis=data["lawful_basis"],
            channel=data.get("channel") or None,
            proof_text=data.get("proof_text") or "",
            proof_form=data.get("proof_form") or "",
            expires_at=expires_at,
        )

    def field_for(self, service_field: str) -> str | None:
        if service_field == "expires_at":
            return "expires_on"
        return super().field_for(service_field)
