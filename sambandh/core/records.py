"""Helpers shared by the services that write owned, versioned records."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.core.audit import audit_records, records_assigned
from sambandh.core.errors import Conflict, ValidationFailed

MAX_CUSTOM_BYTES = 16_384


def lock_for_update[M: Model](instance: M, expected_version: int | None) -> M:
    """Re-read ``instance`` locked for this transaction and refuse a stale version."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and expected_version != locked.version:  # type: ignore[attr-defined]
        raise Conflict()
    return locked


def bump_version(instance: Any) -> None:
    instance.version += 1
    instance.updated_at = timezone.now()


@dataclass(frozen=True)
class Reassigned:
    """One record a batch reassignment changed: what it was owned by, and its new version."""

    record_id: int
    owner_id: int
    version: int


def reassign_rows(
    model: type[Model],
    *,
    record_type: str,
    actor: Any,
    owner: Any,
    ids: Sequence[int],
    expected: Mapping[int, int] | None = None,
    summary_field: str = "name",
) -> tuple[list[Reassigned], set[int]]:
    """Hand the records ``ids`` to ``owner`` in the caller's transaction, each as its own write
    (a new version, one audit row and one event), in a few statements whatever their number:
    the rows locked, one UPDATE, one INSERT of audit rows and one of events. The caller has
    checked the actor's rights and the owner. ``expected``: the version each record must still
    have (an undo leaves a record changed since alone). Answers the records changed, and the
    ids not changed because their version moved on; ids already owned by ``owner``, or gone,
    are in neither."""
    rows = list(
        model._default_manager.select_for_update()  # type: ignore[attr-defined]
        .filter(pk__in=list(ids))
        .order_by("pk")
        .values_list("pk", "owner_id", "version", summary_field)
    )
    moved_on = {pk for pk, _o, version, _s in rows if expected and expected.get(pk) != version}
    changing = [r for r in rows if r[0] not in moved_on and r[1] != owner.pk]
    if not changing:
        return [], moved_on
    model._default_manager.filter(pk__in=[r[0] for r in changing]).update(  # type: ignore[attr-defined]
        owner_id=owner.pk, version=F("version") + 1, updated_at=timezone.now()
    )
    audit_records(
        actor=actor,
        action="update",
        record_type=record_type,
        rows=[(pk, {"owner": [old, owner.pk]}, summary) for pk, old, _v, summary in changing],
    )
    records_assigned(
        actor=actor, record_type=record_type, ids=[r[0] for r in changing], user_id=owner.pk
    )
    return [Reassigned(pk, old, version + 1) for pk, old, version, _s in changing], moved_on


def _plain(value: Any) -> bool:
    """A value a custom field holds: text, a whole number, a finite number, true/false or null
    (a float that is not finite has no JSON spelling: the database would refuse it)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


def clean_custom(value: Any, *, field: str = "custom") -> dict[str, Any]:
    """Custom field values: a flat object of plain values or lists of plain values (the
    definitions arrive in a later part). Anything nested deeper is refused, naming the field: it
    has no use here, and a value nested thousands deep breaks the database's JSON functions."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed(fields={field: _("Custom fields must be an object.")})

    for key, item in value.items():
        if not isinstance(key, str) or not key or len(key) > 64:
            raise ValidationFailed(fields={field: _("Custom field names are 1 to 64 characters.")})
        if not (_plain(item) or (isinstance(item, list) and all(_plain(v) for v in item))):
            raise ValidationFailed(
                fields={
                    f"{field}.{key}": _(
                        "Custom field “%(name)s” must be a plain value or a list of plain values."
                    )
                    % {"name": key}
                }
            )
    if len(json.dumps(value)) > MAX_CUSTOM_BYTES:
        raise ValidationFailed(fields={field: _("Custom field values are too large.")})
    return value


class FieldErrors:
    """Collect every field problem, then raise them together."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            self.fields.update(exc.fields or {"__all__": exc.message})
            return None

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)
