"""Writes for pipelines and their stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import Role, User
from sambandh.core.audit import audit_record, diff_fields
from sambandh.core.cleaning import (
    clean_text,
)
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.records import FieldErrors, lock_for_update
from sambandh.sales.models import Deal, Pipeline, Stage, StageChange

MAX_STAGES = 30


def _ensure_pipeline_admin(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise Forbidden(_("Only administrators and managers can change pipelines."))


# --- pipelines -------------------------------------------------------------------
@dataclass
class StageIn:
    name: str
    probability: int = 0
    kind: str = Stage.Kind.OPEN
    id: int | None = None


def _clean_stages(stages: Sequence[StageIn], errors: FieldErrors) -> list[StageIn]:
    if not stages:
        errors.add("stages", _("A pipeline needs at least one stage."))
    if len(stages) > MAX_STAGES:
        errors.add("stages", _("At most %(n)s stages.") % {"n": MAX_STAGES})
    result = []
    names: set[str] = set()
    for i, stage in enumerate(stages):
        name = errors.run(
            clean_text, stage.name, field=f"stages.{i}.name", max_length=100, required=True
        )
        if name and name.casefold() in names:
            errors.add(f"stages.{i}.name", _("Stage names must be different."))
        names.add((name or "").casefold())
        if not isinstance(stage.probability, int) or not 0 <= stage.probability <= 100:
            errors.add(f"stages.{i}.probability", _("Enter a whole number from 0 to 100."))
        if stage.kind not in Stage.Kind.values:
            errors.add(f"stages.{i}.kind", _("Choose open, won or lost."))
        result.append(
            StageIn(name=name or "", probability=stage.probability, kind=stage.kind, id=stage.id)
        )
    if result and not any(s.kind == Stage.Kind.OPEN for s in result):
        errors.add("stages", _("A pipeline needs at least one open stage."))
    return result


@transaction.atomic
def pipeline_create(
    *, actor: User, name: str, stages: Sequence[StageIn], is_default: bool = False
) -> Pipeline:
    _ensure_pipeline_admin(actor)
    errors = FieldErrors()
    clean_name = errors.run(clean_text, name, field="name", max_length=100, required=True)
    clean_stages = _clean_stages(stages, errors)
    errors.raise_if_any()
    is_default = is_default or not Pipeline.objects.filter(is_default=True).exists()
    if is_default:
        Pipeline.objects.filter(is_default=True).update(is_default=False)
    position = (Pipeline.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    pipeline = Pipeline.objects.create(name=clean_name, is_default=is_default, position=position)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=s.name, probability=s.probability, kind=s.kind, position=i)
        for i, s in enumerate(clean_stages)
    )
    audit_record(
        actor=actor,
        action="create",
        record_type="pipeline",
        record_id=pipeline.pk,
        changes={"name": clean_name, "stages": [s.name for s in clean_stages]},
    )
    return pipeline


@transaction.atomic
def pipeline_update(
    *,
    actor: User,
    pipeline: Pipeline,
    version: int | None,
    name: str | None = None,
    stages: Sequence[StageIn] | None = None,
    is_default: bool | None = None,
) -> Pipeline:
    """Rename, reorder, add and archive stages. A stage that still holds deals is archived, not
    deleted, so stage history keeps pointing at it."""
    _ensure_pipeline_admin(actor)
    pipeline = lock_for_update(pipeline, version)
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    if name is not None:
        clean_name = errors.run(clean_text, name, field="name", max_length=100, required=True)
        if clean_name:
            changes.update(diff_fields(pipeline, {"name": clean_name}))
    clean_stages = None if stages is None else _clean_stages(stages, errors)
    existing = {s.pk: s for s in pipeline.stages.all()}
    stages_before = [
        s.name for s in sorted(existing.values(), key=lambda s: s.position) if not s.is_archived
    ]
    if clean_stages is not None:
        for i, s in enumerate(clean_stages):
            if s.id is not None and s.id not in existing:
                errors.add(f"stages.{i}.id", _("This stage belongs to another pipeline."))
    errors.raise_if_any()
    if clean_stages is not None:
        kept = set()
        for i, s in enumerate(clean_stages):
            if s.id is not None:
                stage = existing[s.id]
                stage.name, stage.probability, stage.kind, stage.position = (
                    s.name,
                    s.probability,
                    s.kind,
                    i,
                )
                stage.is_archived = False
                stage.save()
                kept.add(s.id)
            else:
                Stage.objects.create(
                    pipeline=pipeline,
                    name=s.name,
                    probability=s.probability,
                    kind=s.kind,
                    position=i,
                )
        for stage_id, stage in existing.items():
            if stage_id in kept:
                continue
            if (
                Deal.objects.filter(stage=stage).exists()
                or StageChange.objects.filter(to_stage=stage).exists()
            ):
                if Deal.objects.filter(stage=stage).exists():
                    raise ValidationFailed(
                        _("Stage “%(name)s” still has deals. Move them before removing it.")
                        % {"name": stage.name},
                        fields={"stages": _("A removed stage still has deals.")},
                    )
                stage.is_archived = True
                stage.position = 1000 + stage.position
                stage.save()
            else:
                stage.delete()
        changes["stages"] = [stages_before, [s.name for s in clean_stages]]
    if is_default:
        Pipeline.objects.exclude(pk=pipeline.pk).filter(is_default=True).update(is_default=False)
        if not pipeline.is_default:
            changes["is_default"] = [False, True]
        pipeline.is_default = True
    pipeline.version += 1
    pipeline.updated_at = timezone.now()
    pipeline.save()
    audit_record(
        actor=actor, action="update", record_type="pipeline", record_id=pipeline.pk, changes=changes
    )
    return pipeline


@transaction.atomic
def pipeline_delete(*, actor: User, pipeline: Pipeline, version: int | None = None) -> None:
    _ensure_pipeline_admin(actor)
    pipeline = lock_for_update(pipeline, version)
    if pipeline.deals.exists():
        raise ValidationFailed(_("This pipeline still has deals. Move or delete them first."))
    pk, name = pipeline.pk, pipeline.name
    StageChange.objects.filter(to_stage__pipeline=pipeline).delete()
    pipeline.delete()
    audit_record(actor=actor, action="delete", record_type="pipeline", record_id=pk, summary=name)


def pipeline_default() -> Pipeline | None:
    return (
        Pipeline.objects.filter(is_archived=False).order_by("-is_default", "position", "id").first()
    )
