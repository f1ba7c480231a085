"""The import wizard's first two steps: upload a file, then map its columns.

The uploaded file waits in the default storage as this session's draft (one at a time) until
the user checks it (a dry run) or imports it; a file that cannot be read is deleted at once and
its error shown, so a failed upload writes nothing. The checks and the import are jobs
(imports.services.import_start), shown by views.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from sambandh.accounts import policy
from sambandh.core.errors import ServiceError, ValidationFailed
from sambandh.imports import services, sources
from sambandh.imports.forms import MappingForm, UploadForm
from sambandh.web.http import AuthedRequest, page

SESSION_KEY = "imports.draft"
#: Rows read for the mapping's sample values, and how many values each column shows.
SAMPLE_ROWS = 200
SAMPLES = 3
SAMPLE_CHARS = 60
MIB = 1024 * 1024


# --- the session's draft --------------------------------------------------------------------
def draft_of(request: AuthedRequest) -> dict[str, Any] | None:
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict) or not draft.get("file"):
        return None
    if not default_storage.exists(draft["file"]):
        request.session.pop(SESSION_KEY, None)
        return None
    return draft


def draft_save(request: AuthedRequest, draft: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = draft
    request.session.modified = True


def draft_drop(request: AuthedRequest) -> None:
    """Forget the draft and delete its file (the jobs made from it keep copies of their own)."""
    draft = request.session.pop(SESSION_KEY, None)
    if isinstance(draft, dict) and draft.get("file"):
        services.delete_file(draft["file"])


def draft_ended_by(request: AuthedRequest, job_id: int) -> None:
    """A real import started from the draft's dry run ``job_id``: the draft is done with."""
    draft = draft_of(request)
    if draft and job_id in draft.get("jobs", []):
        draft_drop(request)


def _error_text(exc: ServiceError) -> str:
    return " ".join(dict.fromkeys([exc.message, *exc.fields.values()]))


# --- step 1: upload -------------------------------------------------------------------------
@page
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest) -> HttpResponse:
    """Choose the kind of record, the file, a preset and what to do with a matching row."""
    policy.ensure_can_write(request.user)
    initial = {"record_type": request.GET.get("type", "people")}
    bound = request.method == "POST"
    form = UploadForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        viewer=request.user,
        initial=initial,
    )
    if bound and form.is_valid():
        draft = _store(request, form)
        if draft is not None:
            draft_drop(request)
            draft_save(request, draft)
            return redirect("imports:mapping")
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "draft": draft_of(request),
            "max_mb": services.max_upload_bytes() // MIB,
        },
    )


def _store(request: AuthedRequest, form: UploadForm) -> dict[str, Any] | None:
    """Keep the upload as the draft's file when it can be read, else say why (and keep
    nothing)."""
    upload = form.cleaned_data["file"]
    if upload.size > services.max_upload_bytes():
        form.add_error(
            "file",
            _("The file is too large: at most %(n)s MB.")
            % {"n": services.max_upload_bytes() // MIB},
        )
        return None
    filename = (upload.name or "import")[:255]
    name = services.store_file(upload, filename)
    try:
        with services.local_path(name) as path:
            table = sources.open_table(path, filename=filename)
            headers = list(table.headers)
    except sources.ImportFileError as exc:
        services.delete_file(name)
        form.add_error("file", exc.message)
        return None
    return {
        "file": name,
        "filename": filename,
        "size": upload.size,
        "record_type": form.cleaned_data["record_type"],
        "preset": form.cleaned_data.get("preset") or "",
        "on_duplicate": form.cleaned_data["on_duplicate"],
        "bad_cells": form.cleaned_data.get("bad_cells") or "reject",
        "headers": headers,
        "mapping": None,
        "external_id_column": "",
        "jobs": [],
    }


# --- step 2: map the columns ----------------------------------------------------------------
def _samples(draft: dict[str, Any]) -> dict[str, list[str]]:
    """Up to three different values of each column, from the file's first rows."""
    found: dict[str, list[str]] = {h: [] for h in draft["headers"]}
    try:
        with services.local_path(draft["file"]) as path:
            table = sources.open_table(path, filename=draft["filename"])
            for index, row in enumerate(table.rows()):
                if index >= SAMPLE_ROWS:
                    break
                for header, value in row.values.items():
                    text = (value or "").strip()
                    shown = found.get(header)
                    if text and shown is not None and len(shown) < SAMPLES:
                        text = text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"
                        if text not in shown:
                            shown.append(text)
    except sources.ImportFileError:
        pass
    return found


def _initial_mapping(request: AuthedRequest, draft: dict[str, Any]) -> dict[str, str]:
    if isinstance(draft.get("mapping"), dict):
        return draft["mapping"]
    try:
        return services.resolve_mapping(
            actor=request.user,
            record_type=draft["record_type"],
            headers=draft["headers"],
            preset=draft["preset"] or None,
        )
    except ValidationFailed:  # nothing recognised, or a saved preset deleted meanwhile
        return {h: "" for h in draft["headers"]}


def _mapping_form(request: AuthedRequest, draft: dict[str, Any]) -> MappingForm:
    headers = draft["headers"]
    if request.method == "POST":
        return MappingForm(request.POST, headers=headers, record_type=draft["record_type"])
    mapping = _initial_mapping(request, draft)
    initial: dict[str, Any] = {
        MappingForm.column_field(i): mapping.get(h, "") for i, h in enumerate(headers)
    }
    initial["external_id_column"] = draft.get("external_id_column") or next(
        (h for h, target in mapping.items() if target == "external_id"), ""
    )
    return MappingForm(initial=initial, headers=headers, record_type=draft["record_type"])


def _put_errors(form: MappingForm, exc: ServiceError) -> None:
    """A service's per-field errors on the form's fields; the rest above the form."""
    columns = {h: form.column_field(i) for i, h in enumerate(form.headers)}
    rest = [exc.message]
    for key, message in exc.fields.items():
        name = key.partition(".")[2] if key.startswith("mapping.") else ""
        if name in columns:
            form.add_error(columns[name], message)
        elif key in ("external_id_column", "preset_name"):
            form.add_error(key, message)
        elif key == "name":
            form.add_error("preset_name", message)
        else:
            rest.append(message)
    form.add_error(None, " ".join(dict.fromkeys(rest)))


@page
@require_http_methods(["GET", "POST"])
def mapping(request: AuthedRequest) -> HttpResponse:
    """Each column with sample values and the field it goes to; save the choice as a preset,
    check the file (a dry run) or import it."""
    policy.ensure_can_write(request.user)
    draft = draft_of(request)
    if draft is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("imports:upload")
    form = _mapping_form(request, draft)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "check")
        draft["mapping"] = form.mapping()
        draft["external_id_column"] = form.cleaned_data.get("external_id_column") or ""
        draft_save(request, draft)
        done = _save_preset(request, form, draft) if action == "save_preset" else None
        if action != "save_preset":
            done = _start(request, form, draft, dry_run=action != "import")
        if done is not None:
            return done
    return _render_mapping(request, form, draft)


def _render_mapping(
    request: AuthedRequest, form: MappingForm, draft: dict[str, Any]
) -> HttpResponse:
    samples = _samples(draft)
    rows = [(header, field, samples.get(header, [])) for header, field in form.columns()]
    mapped = sum(1 for _h, field, _s in rows if field.value())
    total = len(rows)
    # The script counts again as the selects change: it puts the number in "%(mapped)s".
    template = ngettext(
        "%(mapped)s of %(total)s column will be imported",
        "%(mapped)s of %(total)s columns will be imported",
        total,
    ) % {"mapped": "%(mapped)s", "total": total}
    return render(
        request,
        "imports/mapping.html",
        {
            "form": form,
            "draft": draft,
            "rows": rows,
            "count_template": template,
            "count_text": template.replace("%(mapped)s", str(mapped)),
        },
        status=200 if form.is_bound is False or not form.errors else 422,
    )


def _save_preset(
    request: AuthedRequest, form: MappingForm, draft: dict[str, Any]
) -> HttpResponse | None:
    name = (form.cleaned_data.get("preset_name") or "").strip()
    if not name:
        form.add_error("preset_name", _("Name the preset."))
        return None
    try:
        preset = services.preset_save(
            actor=request.user,
            name=name,
            record_type=draft["record_type"],
            mapping=form.mapping(),
            shared=bool(form.cleaned_data.get("preset_shared")),
        )
    except ValidationFailed as exc:
        _put_errors(form, exc)
        return None
    draft["preset"] = preset.name
    draft_save(request, draft)
    messages.success(request, _("Saved as the preset “%(name)s”.") % {"name": preset.name})
    return redirect("imports:mapping")


def _start(
    request: AuthedRequest, form: MappingForm, draft: dict[str, Any], *, dry_run: bool
) -> HttpResponse | None:
    try:
        with default_storage.open(draft["file"]) as handle:
            job = services.import_start(
                actor=request.user,
                record_type=draft["record_type"],
                upload=handle,
                filename=draft["filename"],
                size=draft["size"],
                preset=draft["preset"] or None,
                mapping=form.mapping(),
                external_id_column=form.cleaned_data.get("external_id_column") or None,
                on_duplicate=draft["on_duplicate"],
                bad_cells=draft.get("bad_cells") or "reject",
                dry_run=dry_run,
                background=True,
            )
    except ServiceError as exc:
        _put_errors(form, exc)
        return None
    if dry_run:
        draft["jobs"] = [*draft.get("jobs", []), job.pk][-20:]
        draft_save(request, draft)
    else:
        draft_drop(request)
    return redirect("imports:job", job.pk)
