"""The privacy pages' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sambandh.privacy.models import DataSubjectRequest, Regime, RetentionPolicy
from sambandh.web.form_fields import LocalDateTimeField


class RequestForm(forms.Form):
    type = forms.ChoiceField(label=_("Request"), choices=DataSubjectRequest.Type.choices)
    person_id = forms.IntegerField(label=_("Person (id)"), min_value=1, max_value=2**53)
    regime = forms.ChoiceField(
        label=_("Law"),
        required=False,
        choices=[("", _("From the person's residency"))] + list(Regime.choices),
        help_text=_(
            "Sets the deadline: GDPR one month, CCPA 45 days, LGPD 15 days, DPDP as notified."
        ),
    )
    received_at = LocalDateTimeField(
        label=_("Received"), required=False, help_text=_("Leave empty for now.")
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    notes = forms.CharField(
        label=_("What was corrected"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PolicyForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"))
    region = forms.CharField(
        label=_("Residency"),
        required=False,
        max_length=10,
        help_text=_('A residency tag such as "eu" or "us-ca"; empty for records of any residency.'),
    )
    days = forms.IntegerField(label=_("Days without activity"), min_value=1, max_value=36_500)
    action = forms.ChoiceField(label=_("Then"), choices=RetentionPolicy.Action.choices)

    def __init__(self, *args: Any, types: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = types  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    dpdp_days = forms.IntegerField(
        label=_("DPDP response days"),
        min_value=1,
        max_value=365,
        help_text=_(
            "India's DPDP Act leaves the period to be notified: "
            "the days your company answers within."
        ),
    )
    export_rules = forms.CharField(
        label=_("Export rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per residency: the tag, a colon, the roles that may export it. "
            'For example "eu: admin, manager". Administrators may always export.'
        ),
    )

    def rules(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in (self.cleaned_data.get("export_rules") or "").splitlines():
            if not line.strip():
                continue
            tag, _sep, roles = line.partition(":")
            out[tag.strip()] = [r.strip() for r in roles.split(",") if r.strip()]
        return out
