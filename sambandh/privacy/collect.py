"""Everything held about a person, found by walking the models instead of naming them.

- the person's row;
- every row of any model with a foreign key (or many-to-many) to the person: contact points,
  affiliations, activities, deals, converted leads, and whatever a later app adds;
- what hangs off the person's own rows (those deleted with the person: a cascade), such as an
  activity's outbound email, unless it is a record type of its own (another record, not theirs);
- every row of any model that names a record by ``record_type`` and ``record_id`` (audit
  entries, attachments' metadata, notifications, search documents, the event log, recycle bin
  entries) naming the person or one of their own records;
- their custom field values, with each field's label;
- what registered providers add (providers.py: the consent ledger).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import uuid
import zipfile
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile

from sambandh.core import registry
from sambandh.privacy import providers

#: Apps whose rows are the machinery, not data about anyone.
SKIPPED_APPS = frozenset({"privacy", "django_tasks_db", "sessions", "admin", "contenttypes"})


def plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def row_of(obj: models.Model) -> dict[str, Any]:
    return {f.attname: plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def reverse_relations(model: type[models.Model]) -> list[Any]:
    """The relations of other models that point at ``model`` (hidden ones too), without the
    many-to-many tables Django makes itself."""
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        related = rel.related_model
        if related is None or related._meta.auto_created:
            continue
        if related._meta.app_label in SKIPPED_APPS:
            continue
        found.append(rel)
    return found


def generic_models() -> list[type[models.Model]]:
    """Models that name a record by ``record_type`` and ``record_id``."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if {"record_type", "record_id"} <= names:
            found.append(model)
    return found


def _cascades(rel: Any) -> bool:
    return (
        not rel.many_to_many
        and getattr(rel.field.remote_field, "on_delete", None) is models.CASCADE
    )


def related_rows(person: models.Model) -> dict[str, dict[Any, dict[str, Any]]]:
    """{model label: {pk: row}} of everything that refers to ``person``."""
    tables: dict[str, dict[Any, dict[str, Any]]] = defaultdict(dict)

    def add(obj: models.Model) -> None:
        tables[obj._meta.label][obj.pk] = row_of(obj)

    add(person)
    person_type = registry.by_model(type(person))
    refs: dict[str, set[int]] = defaultdict(set)
    refs[person_type.key if person_type else type(person)._meta.model_name or ""].add(person.pk)
    owned: list[models.Model] = []
    for rel in reverse_relations(type(person)):
        for obj in rel.related_model._default_manager.filter(**{rel.field.name: person}):
            add(obj)
            if _cascades(rel):
                owned.append(obj)
    for obj in owned:
        rt = registry.by_model(type(obj))
        if rt is not None:
            refs[rt.key].add(obj.pk)
        for rel in reverse_relations(type(obj)):
            if rel.many_to_many or registry.by_model(rel.related_model) is not None:
                continue
            for dependent in rel.related_model._default_manager.filter(**{rel.field.name: obj}):
                add(dependent)
    where = Q()
    for key, ids in refs.items():
        where |= Q(record_type=key, record_id__in=sorted(ids))
    for model in generic_models():
        for obj in model._default_manager.filter(where):
            add(obj)
    return tables


def custom_values(person: models.Model) -> list[dict[str, Any]]:
    rt = registry.by_model(type(person))
    labels = (
        {f.name.removeprefix(registry.CUSTOM_PREFIX): f.label for f in rt.custom_fields}
        if rt
        else {}
    )
    return [
        {"key": key, "label": str(labels.get(key, key)), "value": plain(value)}
        for key, value in sorted((getattr(person, "custom", None) or {}).items())
    ]


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return out.getvalue()


def build_zip(
    person: models.Model, *, generated_at: datetime.datetime
) -> tuple[bytes, dict[str, int]]:
    """The export as a zip (a JSON and a CSV file per kind of row, and manifest.json), and the
    row count of each kind."""
    files: dict[str, list[dict[str, Any]]] = {}
    for label, rows in sorted(related_rows(person).items()):
        files[f"records/{label}"] = [rows[pk] for pk in sorted(rows, key=str)]
    files["custom_fields"] = custom_values(person)
    for name, fn in sorted(providers.all_providers().items()):
        files[name] = [plain(row) for row in fn(person)]
    counts = {name: len(rows) for name, rows in files.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json",
            json.dumps(
                {"person_id": person.pk, "generated_at": generated_at.isoformat(), "files": counts},
                indent=2,
            ),
        )
        for name, content in files.items():
            archive.writestr(f"{name}.json", json.dumps(content, ensure_ascii=False, indent=2))
            archive.writestr(f"{name}.csv", _csv(content))
    return buffer.getvalue(), counts
