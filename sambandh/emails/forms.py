"""The compose form: what the browser posts, turned into the same EmailIn the API takes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from sambandh.attachments import sniff
from sambandh.emails.schemas import EmailIn
from sambandh.web.forms import ServiceForm

_SEPARATORS = re.compile(r"[,;\n]+")


def split_addresses(text: str) -> list[str]:
    """The addresses of "a@x.com, b@y.com; c@z.com" (commas, semicolons or new lines)."""
    return [a.strip() for a in _SEPARATORS.split(text or "") if a.strip()]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """The chosen files, as they came: the attachments' service decides about each (its type
    read from its bytes, its size), so that the rules are written once."""

    widget = MultipleFileInput

    def clean(self, value: Any) -> list[Any]:
        return [f for f in (value or []) if f]


class ComposeForm(ServiceForm):
    person = forms.TypedChoiceField(label=_("To person"), coerce=int, required=False)
    to = forms.CharField(
        label=_("To"),
        max_length=5000,
        help_text=_("Separate addresses with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    cc = forms.CharField(
        label=_("Cc"),
        max_length=5000,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Message"),
        max_length=100_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    attachments = FilesField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(f".{ext}" for ext in sniff.EXTENSIONS)}),
    )

    def __init__(self, *args: Any, people: list[tuple[int, str, str]] | None = None, **kwargs: Any):
        """``people``: the deal's people to choose among (id, label, email to prefill); None on
        a person's page, where the person is fixed."""
        super().__init__(*args, **kwargs)
        from sambandh.emails.services import attachments_max_bytes

        limit = filesizeformat(attachments_max_bytes())
        files = self.fields["attachments"]
        files.help_text = _(
            "At most %(max)s in all: PDF, images, office documents, text, CSV or e-mail files."
        ) % {"max": limit}
        # compose-files.js says so before sending (the server refuses it anyway)
        files.widget.attrs["data-max-total"] = str(attachments_max_bytes())
        files.widget.attrs["data-too-large"] = _(
            "These files are too large together: an email may carry at most %(max)s."
        ) % {"max": limit}
        if people is None:
            del self.fields["person"]
        else:
            field = self.fields["person"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [(pk, label) for pk, label, _email in people]
            field.widget.attrs["data-emails"] = "1"
            self.person_emails = {str(pk): email for pk, _label, email in people}
            field.required = bool(people)

    def field_for(self, service_field: str) -> str | None:
        # "to.1" is the To field's, "attachments.1" the files'; the record links are the page's
        name = {"person_id": "person"}.get(service_field, service_field.split(".")[0])
        return name if name in self.fields else None

    def to_service(self, *, person_id: int | None, deal_id: int | None) -> EmailIn:
        data = self.cleaned_data
        if "person" in self.fields:
            person_id = data.get("person") or None
        return EmailIn.build(
            {
                "person_id": person_id,
                "deal_id": deal_id,
                "to": split_addresses(data["to"]),
                "cc": split_addresses(data.get("cc", "")),
                "subject": data["subject"],
                "body": data.get("body", ""),
            }
        )
