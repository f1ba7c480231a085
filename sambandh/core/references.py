"""What points at a record without a foreign key, declared by the app that keeps it.

A merge (sambandh/contacts/merge) moves every link of the merged records to the one kept. Links
that are foreign keys it finds by itself, from the models' ``_meta``; links that name a record by
``(record_type, record_id)`` (shares, attachments, notifications) cannot be found that way, so
each app declares its tables here from its ``AppConfig.ready()``::

    register_reference(Reference("accounts.RecordShare", same=("user_id", "team_id")))

``same``: the columns that, with the record, make two rows one (a share of both records with the
same user): the merge keeps the kept record's row and removes the other (kept for its undo).
Rows that are history (audit rows, events) and what is rebuilt (search documents) are not
declared: they stay as they are.

``declare_same`` does the same for a foreign key whose model has no unique constraint but whose
rows would repeat each other once moved (an affiliation with the same organization).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Reference:
    model_label: str
    type_field: str = "record_type"
    id_field: str = "record_id"
    same: tuple[str, ...] = ()

    @property
    def model(self) -> Any:
        return apps.get_model(self.model_label)


_references: dict[str, Reference] = {}
_same: dict[tuple[str, str], tuple[str, ...]] = {}


def register_reference(reference: Reference) -> Reference:
    _references[reference.model_label.lower()] = reference
    return reference


def references() -> list[Reference]:
    return list(_references.values())


def declare_same(model_label: str, field: str, same: tuple[str, ...]) -> None:
    """Rows of ``model_label`` whose foreign key ``field`` points at one record are the same
    when they also agree on ``same``."""
    _same[(model_label.lower(), field)] = same


def same_for(model_label: str, field: str) -> tuple[str, ...]:
    return _same.get((model_label.lower(), field), ())
