"""The shapes every record's edit and delete pages share: save a form through a service, and
confirm-then-delete with the record's version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sambandh.core import registry
from sambandh.core.errors import Conflict, NotFound, ValidationFailed
from sambandh.core.sensitive import note_refused_form
from sambandh.web.forms import apply_service_errors

#: The ``extra_tags`` of a message whose toast carries a button that POSTs somewhere:
#: ``"action:<url>"`` (web/templatetags: ``toast_action``).
ACTION_TAG = "action:"


@dataclass(frozen=True)
class Deleted:
    """A record deleted while someone had it open, as the recycle bin kept it."""

    record: Any  # the record as it was (unsaved; its id is its old id)
    message: str  # who deleted it and when, and that it is in the recycle bin
    restore_url: str  # where a POST restores it


class RecycleBin(Protocol):
    """What the shell asks of the recycle bin (an app above it installs one)."""

    def deleted(self, viewer: Any, record_type: str, record_id: int) -> Deleted | None: ...

    def restore_url(self, viewer: Any, record_type: str, record_id: int) -> str | None: ...


_recycle_bin: RecycleBin | None = None


def set_recycle_bin(recycle_bin: RecycleBin | None) -> None:
    """Called once by the recycle bin app (the shell knows no domain app)."""
    global _recycle_bin
    _recycle_bin = recycle_bin


#: The attribute of a record that ``record_for_edit`` found in the recycle bin.
DELETED_ATTR = "_sambandh_deleted"


def record_for_edit(
    request: HttpRequest, record_type: str, record_id: int, get: Callable[[], Any]
) -> Any:
    """The record an edit page changes (``get()``, the app's selector). When it is gone and
    the user is saving the form, the record as it was when deleted, marked so that
    ``save_form`` keeps what they typed and says what happened instead of saving."""
    try:
        return get()
    except NotFound:
        if request.method != "POST" or _recycle_bin is None:
            raise
        gone = _recycle_bin.deleted(request.user, record_type, record_id)
        if gone is None:
            raise
        setattr(gone.record, DELETED_ATTR, gone)
        return gone.record


def posted_version(request: HttpRequest) -> int | None:
    raw = str(request.POST.get("version") or "").strip()
    try:
        version = int(raw)  # not isdigit(): "²" is a digit int() refuses
    except ValueError:
        return None
    return version if version >= 0 else None


def save_form(form: Any, write: Callable[[Any], Any]) -> tuple[Any, int]:
    """Validate, build the write's typed input (``form.to_service()``), call the service with
    it, and put the errors of either back on the form. Returns (record, status)."""
    deleted = getattr(getattr(form, "instance", None), DELETED_ATTR, None)
    if deleted is not None:
        form.is_valid()  # the field messages too, beside what was typed
        form.add_error(None, deleted.message)
        form.record_deleted = deleted
        return _refused(form, 409)
    if not form.is_valid():
        return _refused(form, 200)
    try:
        data = form.to_service()
        if data is None:
            return _refused(form, 200)
        return write(data), 200
    except Conflict as exc:
        apply_service_errors(form, exc)
        return _refused(form, 409)
    except ValidationFailed as exc:
        apply_service_errors(form, exc)
        return _refused(form, 200)


def _refused(form: Any, status: int) -> tuple[None, int]:
    """A refused save shows the form again: what the user typed, but the stored value of each
    field that is read-only for them (Django renders a disabled field's initial value, after a
    version conflict the record as it is now). A read of those when marked sensitive
    (core/sensitive.py), written whatever the answer's status."""
    instance = getattr(form, "instance", None)
    viewer = getattr(form, "viewer", None)
    if instance is None or getattr(instance, "pk", None) is None or viewer is None:
        return None, status
    label = instance._meta.label
    rt = next((t for t in registry.record_types() if t.model_label == label), None)
    if rt is not None:
        note_refused_form(viewer, rt.key, instance.pk)
    return None, status


def delete_page(
    request: HttpRequest,
    *,
    record: Any,
    name: str,
    detail_url: str,
    done_url: str,
    delete: Callable[[int | None], None],
) -> HttpResponse:
    """GET asks to confirm; POST deletes the version the user saw, or explains a conflict."""
    if request.method == "GET":
        return render(
            request,
            "web/confirm_delete.html",
            {
                "record": record,
                "cancel_url": detail_url,
                "title": _("Delete %(name)s?") % {"name": name},
            },
        )
    record_id = record.pk
    try:
        delete(posted_version(request))
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(detail_url)
    rt = registry.by_model(type(record))
    restore = (
        _recycle_bin.restore_url(request.user, rt.key, record_id)
        if _recycle_bin is not None and rt is not None
        else None
    )
    if restore:
        messages.success(
            request,
            _("%(name)s was moved to the recycle bin.") % {"name": name},
            extra_tags=f"{ACTION_TAG}{restore}",
        )
    else:
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
    return redirect(done_url)
