"""The import wizard's forms: the upload (record type, file, preset, what to do with a row
that matches a record) and the mapping (one select per column of the file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.imports import selectors
from sambandh.imports.services import FLAGGABLE, JOINED_TARGETS

RECORD_TYPE_CHOICES = [
    ("people", gettext_lazy("People")),
    ("organizations", gettext_lazy("Organizations")),
    ("leads", gettext_lazy("Leads")),
    ("deals", gettext_lazy("Deals")),
]
ON_DUPLICATE_CHOICES = [
    ("update", gettext_lazy("Update the existing record")),
    ("skip", gettext_lazy("Skip the row")),
    ("flag", gettext_lazy("Create it and flag it as a possible duplicate")),
    ("create", gettext_lazy("Create it anyway")),
]
BAD_CELLS_CHOICES = [
    ("reject", gettext_lazy("Leave the whole row out")),
    ("skip", gettext_lazy("Import the row without that value")),
]


class UploadForm(forms.Form):
    record_type = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=RECORD_TYPE_CHOICES, initial="people"
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (any delimiter and encoding), Excel (.xlsx) or vCard (.vcf, for people)."
        ),
    )
    preset = forms.ChoiceField(
        label=gettext_lazy("Exported from"),
        required=False,
        help_text=gettext_lazy("The columns are recognised by themselves; a preset is surer."),
    )
    on_duplicate = forms.ChoiceField(
        label=gettext_lazy("When a row matches an existing record"),
        choices=ON_DUPLICATE_CHOICES,
        initial="update",
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A row matches a record with the same external id or email."),
    )
    bad_cells = forms.ChoiceField(
        label=gettext_lazy("When a value cannot be read"),
        choices=BAD_CELLS_CHOICES,
        initial="reject",
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "An email that is not one, a date that is not a date: the report names each."
        ),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        names: dict[str, str] = {}
        for record_type, _label in RECORD_TYPE_CHOICES:
            for name, label in selectors.preset_choices(viewer=viewer, record_type=record_type):
                names.setdefault(name, str(label))
        preset = self.fields["preset"]
        assert isinstance(preset, forms.ChoiceField)
        preset.choices = [("", _("Detect from the columns")), *names.items()]
        self.fields["file"].widget.attrs.update(
            {"accept": ".csv,.txt,.tsv,.xlsx,.vcf,text/csv,text/vcard", "data-import-file": ""}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        record_type, preset = data.get("record_type"), data.get("preset")
        if record_type and preset:
            allowed = dict(selectors.preset_choices(viewer=self.viewer, record_type=record_type))
            if preset not in allowed:
                self.add_error("preset", _("This preset has no columns for this kind of record."))
        if record_type and data.get("on_duplicate") == "flag" and record_type not in FLAGGABLE:
            self.add_error(
                "on_duplicate", _("Only people and organizations can be flagged for review.")
            )
        return data


def target_choices(record_type: str) -> list[Any]:
    """The select's options: "Don't import", the record's fields, then its custom fields."""
    fields: list[tuple[str, str]] = []
    custom: list[tuple[str, str]] = []
    for target in selectors.import_targets(record_type):
        (custom if target.key.startswith("custom.") else fields).append(
            (target.key, str(target.label))
        )
    choices: list[Any] = [("", _("Don't import")), (_("Fields"), fields)]
    if custom:
        choices.append((_("Custom fields"), custom))
    return choices


class MappingForm(forms.Form):
    """One select per column (``col_<n>``, in the file's order), the external id column, and
    the name to save the mapping under as a preset."""

    external_id_column = forms.ChoiceField(
        label=gettext_lazy("External id column"),
        required=False,
        help_text=gettext_lazy(
            "The column holding each record's id in the system it comes from: importing the "
            "file again then updates those records instead of creating them twice."
        ),
    )
    preset_name = forms.CharField(label=gettext_lazy("Preset name"), required=False, max_length=100)
    preset_shared = forms.BooleanField(label=gettext_lazy("Everyone may use it"), required=False)

    def __init__(self, *args: Any, headers: list[str], record_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = target_choices(record_type)
        self.labels = {k: v for _g, group in choices[1:] for k, v in group}
        for index, header in enumerate(headers):
            self.fields[self.column_field(index)] = forms.ChoiceField(
                label=header, required=False, choices=choices
            )
        column = self.fields["external_id_column"]
        assert isinstance(column, forms.ChoiceField)
        column.choices = [("", _("None")), *((h, h) for h in headers)]

    @staticmethod
    def column_field(index: int) -> str:
        return f"col_{index}"

    def columns(self) -> list[tuple[str, Any]]:
        return [(h, self[self.column_field(i)]) for i, h in enumerate(self.headers)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            name = self.column_field(index)
            target = data.get(name) or ""
            if not target or target in JOINED_TARGETS:
                continue
            if target in seen:
                self.add_error(
                    name,
                    _("“%(other)s” already goes to %(field)s: choose one of the two.")
                    % {"other": seen[target], "field": self.labels.get(target, target)},
                )
            else:
                seen[target] = header
        return data

    def mapping(self) -> dict[str, str]:
        """Each column's target ("" for a column not imported)."""
        data = self.cleaned_data
        return {h: data.get(self.column_field(i)) or "" for i, h in enumerate(self.headers)}
