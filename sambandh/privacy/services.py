"""Writes of data-subject requests: create, complete, build the access export, hand it out
once, and carry out an erasure (erasure.py does the erasing itself)."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sambandh.accounts import policy
from sambandh.contacts.models import Person
from sambandh.core.audit import audit_record
from sambandh.core.errors import Conflict, ServiceError, ValidationFailed
from sambandh.core.records import lock_for_update
from sambandh.privacy import deadlines
from sambandh.privacy.models import DataSubjectRequest, PrivacySettings, Regime
from sambandh.privacy.selectors import privacy_settings

RECORD_TYPE = "privacy_request"
Status = DataSubjectRequest.Status
Type = DataSubjectRequest.Type

MAX_NOTES = 10_000


class Gone(ServiceError):
    """The access export was downloaded already: it is handed out once."""

    status = 410
    code = "gone"
    default_message = gettext_lazy(
        "This export was downloaded already; it can be downloaded only once."
    )


def _audit(
    actor: Any, action: str, request: DataSubjectRequest, summary: str, **changes: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=request.pk,
        changes=changes,
        summary=summary,
    )


@transaction.atomic
def request_create(
    *,
    actor: Any,
    type: str,
    person_id: int,
    regime: str | None = None,
    received_at: datetime.datetime | None = None,
    notes: str = "",
) -> DataSubjectRequest:
    """Record a data-subject request and its legal deadline. The law is the one given, else the
    one the person's residency suggests (GDPR when it suggests none). An access request's export
    is built in the background once this commits."""
    policy.ensure_admin(actor)
    errors: dict[str, str] = {}
    if type not in Type.values:
        errors["type"] = _("Choose access, correction or erasure.")
    person = Person.objects.filter(pk=person_id).first() if isinstance(person_id, int) else None
    if person is None:
        errors["person_id"] = _("No such person.")
    if regime and regime not in Regime.values:
        errors["regime"] = _("Choose gdpr, ccpa, lgpd or dpdp.")
    now = timezone.now()
    if received_at is not None:
        if timezone.is_naive(received_at):
            errors["received_at"] = _("Give a time zone (for example 2026-01-31T09:00:00Z).")
        elif received_at > now + datetime.timedelta(minutes=5):
            errors["received_at"] = _("A request cannot be received in the future.")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = _("At most %(count)s characters.") % {"count": MAX_NOTES}
    if errors:
        raise ValidationFailed(fields=errors)
    assert person is not None
    chosen = regime or deadlines.regime_for(getattr(person, "residency", ""))
    received = received_at or now
    request = DataSubjectRequest.objects.create(
        type=type,
        regime=chosen,
        person=person,
        person_label=person.full_name[:200],
        received_at=received,
        due_on=deadlines.due_on(
            chosen,
            timezone.localdate(received),
            dpdp_days=privacy_settings().dpdp_days,
        ),
        notes=notes,
        created_by=actor,
    )
    _audit(
        actor,
        "create",
        request,
        _("%(type)s request for person #%(id)s")
        % {"type": request.get_type_display(), "id": person.pk},
        type=type,
        regime=chosen,
        person_id=person.pk,
        due_on=request.due_on,
    )
    if type == Type.ACCESS:
        from sambandh.privacy.tasks import build_access_export

        request_id = request.pk
        transaction.on_commit(lambda: build_access_export.enqueue(request_id))
    return request


@transaction.atomic
def request_complete(
    *, actor: Any, request: DataSubjectRequest, notes: str = "", version: int | None = None
) -> DataSubjectRequest:
    """Close a correction request (the corrections themselves are ordinary edits of the
    person, each audited): done, with the closing notes."""
    policy.ensure_admin(actor)
    request = lock_for_update(request, version)
    if request.type != Type.CORRECTION:
        raise ValidationFailed(
            _("Only a correction request is closed by hand: access and erasure close themselves."),
            fields={"type": _("Not a correction request.")},
        )
    if not request.is_open:
        raise Conflict(_("This request is closed already."))
    notes = (notes or "").strip()[:MAX_NOTES]
    status_before = request.status
    request.status, request.completed_at, request.completed_by = Status.DONE, timezone.now(), actor
    if notes:
        request.notes = f"{request.notes}\n\n{notes}".strip()
    request.version += 1
    request.save()
    _audit(
        actor,
        "update",
        request,
        _("Correction request closed"),
        status=[status_before, Status.DONE],
    )
    return request


# --- access -----------------------------------------------------------------------------------
def export_build(request_id: int) -> str:
    """Build the access export of a request (the background task): the zip is stored and the
    request becomes ready to download. Safe to run twice: a request no longer received or in
    progress is left alone."""
    from sambandh.privacy.collect import build_zip

    with transaction.atomic():
        request = (
            DataSubjectRequest.objects.select_for_update()
            .filter(
                pk=request_id, type=Type.ACCESS, status__in=[Status.RECEIVED, Status.IN_PROGRESS]
            )
            .first()
        )
        if request is None:
            return "skipped"
        person = Person.objects.filter(pk=request.person_id or 0).first()
        if person is None:
            request.status, request.error = Status.FAILED, _("The person no longer exists.")
            request.save(update_fields=["status", "error"])
            return "failed"
        now = timezone.now()
        data, counts = build_zip(person, generated_at=now)
        name = default_storage.save(
            f"privacy/exports/{request.pk}-{secrets.token_hex(16)}.zip", ContentFile(data)
        )
        request.export_file = name
        request.status = Status.READY
        request.outcome = {"files": counts, "bytes": len(data)}
        request.version += 1
        request.save()
        audit_record(
            actor=None,
            action="export",
            record_type="person",
            record_id=person.pk,
            changes={"request": request.pk, "files": sorted(counts)},
            summary=_("Access export built for request #%(id)s") % {"id": request.pk},
        )
    return "ready"


def export_download(*, actor: Any, request: DataSubjectRequest) -> tuple[str, bytes]:
    """The export's file name and bytes, handed out once, to an admin; the stored file is
    removed. A second attempt is refused (410) and recorded in the audit trail."""
    policy.ensure_admin(actor)
    refused: str | None = None
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        if locked.type != Type.ACCESS:
            raise ValidationFailed(_("Only an access request has an export."))
        if locked.export_downloaded_at is not None:
            refused = "again"
        elif locked.status != Status.READY or not locked.export_file:
            raise Conflict(_("The export is not ready yet. Try again in a moment."))
        else:
            with default_storage.open(locked.export_file, "rb") as handle:
                data = handle.read()
            name = locked.export_file
            locked.export_file = ""
            locked.export_downloaded_at, locked.export_downloaded_by = timezone.now(), actor
            locked.status, locked.completed_at, locked.completed_by = (
                Status.DONE,
                timezone.now(),
                actor,
            )
            locked.version += 1
            locked.save()
            _audit(actor, "export", locked, _("Access export downloaded"), downloaded=True)
            transaction.on_commit(lambda: default_storage.delete(name))
    if refused:
        with transaction.atomic():
            _audit(
                actor,
                "export",
                locked,
                _("Second download of an access export refused"),
                refused=True,
            )
        raise Gone()
    return f"access-request-{locked.pk}.zip", data


# --- erasure ----------------------------------------------------------------------------------
@transaction.atomic
def request_erase(
    *, actor: Any, request: DataSubjectRequest, version: int | None = None
) -> DataSubjectRequest:
    """Carry out an erasure request: the person is anonymized across every related record and
    their emails and phones go on the suppression list (erasure.person_erase); the request is
    done, with what was erased (counts, never values)."""
    from sambandh.privacy.erasure import person_erase

    policy.ensure_admin(actor)
    request = lock_for_update(request, version)
    if request.type != Type.ERASURE:
        raise ValidationFailed(
            _("Only an erasure request erases."), fields={"type": _("Not an erasure request.")}
        )
    if not request.is_open:
        raise Conflict(_("This request is closed already."))
    person = Person.objects.filter(pk=request.person_id or 0).first()
    if person is None:
        raise ValidationFailed(_("The person no longer exists."))
    outcome = person_erase(actor=actor, person=person, request=request, suppress=True)
    status_before = request.status
    request.status, request.completed_at, request.completed_by = Status.DONE, timezone.now(), actor
    request.outcome = outcome
    request.person_label = ""
    request.version += 1
    request.save()
    # The counts erased (never values) are what the request did: no value before.
    _audit(
        actor,
        "update",
        request,
        _("Erasure carried out"),
        status=[status_before, Status.DONE],
        **{k: [None, v] for k, v in outcome.items()},
    )
    return request


@transaction.atomic
def settings_update(
    *, actor: Any, dpdp_days: int | None = None, export_rules: Any = None
) -> PrivacySettings:
    """Change the company's privacy settings: the DPDP response days (1 to 365) and the export
    rules ({residency: [roles]})."""
    from sambandh.accounts.models import Role

    policy.ensure_admin(actor)
    errors: dict[str, str] = {}
    current = privacy_settings()
    changes: dict[str, Any] = {}
    if dpdp_days is not None:
        if not isinstance(dpdp_days, int) or not 1 <= dpdp_days <= 365:
            errors["dpdp_days"] = _("Give a number of days from 1 to 365.")
        elif dpdp_days != current.dpdp_days:
            changes["dpdp_days"] = [current.dpdp_days, dpdp_days]
            current.dpdp_days = dpdp_days
    if export_rules is not None:
        clean = _clean_rules(export_rules, set(Role.values), errors)
        if clean is not None and clean != current.export_rules:
            changes["export_rules"] = [current.export_rules, clean]
            current.export_rules = clean
    if errors:
        raise ValidationFailed(fields=errors)
    if changes:
        current.version = (current.version or 1) + 1
        current.updated_at, current.updated_by = timezone.now(), actor
        current.save()
        audit_record(
            actor=actor,
            action="update",
            record_type="privacy_settings",
            record_id=1,
            changes=changes,
        )
    return current


def _clean_rules(
    value: Any, roles: set[str], errors: dict[str, str]
) -> dict[str, list[str]] | None:
    from sambandh.contacts.residency import clean_residency

    if not isinstance(value, dict) or len(value) > 50:
        errors["export_rules"] = _("Give an object: {residency: [roles]}.")
        return None
    clean: dict[str, list[str]] = {}
    for key, allowed in value.items():
        try:
            residency = clean_residency(key)
        except ValidationFailed:
            residency = ""
        if not residency:
            errors[f"export_rules.{str(key)[:20]}"] = _("Not a residency tag.")
            continue
        if not isinstance(allowed, list) or any(r not in roles for r in allowed):
            errors[f"export_rules.{residency}"] = _("Give a list of roles: %(roles)s.") % {
                "roles": ", ".join(sorted(roles))
            }
            continue
        clean[residency] = sorted(set(allowed))
    return clean
