"""The faster apply for people: a batch's new people are written together by the contacts
service that creates many (contacts/services/people_batch.py: the same checks, audit rows,
events and search documents as one by one, in a few statements), with their external ids in
one statement and their flagged pairs in one call. Anything else in the batch (updates,
merges, rows repeating an earlier one) goes the per-row way; if the batch write fails as a
whole, so do its rows (each then in its own savepoint).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from sambandh.core.errors import ServiceError
from sambandh.imports.engine.apply import FLAG_SCORE, Applier, RowResult, Unresolved
from sambandh.imports.engine.plan import CREATE, FLAG, RowPlan
from sambandh.imports.models import ImportRow

logger = logging.getLogger("sambandh.imports")
Outcome = ImportRow.Outcome
#: Fewer new people than this in a batch: one by one is as quick.
MIN_ROWS = 5


def apply_new_people(applier: Applier, plans: list[RowPlan]) -> dict[int, RowResult]:
    """The results of the batch's new people, by their index in ``plans`` (those it did not
    write are left out, for the per-row path)."""
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services.people_batch import people_create_many

    chosen = [
        (i, plan)
        for i, plan in enumerate(plans)
        if plan.action in (CREATE, FLAG) and plan.same_as is None
    ]
    if len(chosen) < MIN_ROWS:
        return {}
    out: dict[int, RowResult] = {}
    inputs: list[tuple[int, RowPlan, Any, list[list[Any]]]] = []
    for i, plan in chosen:
        p = plan.prepared
        try:
            # Found by name without a savepoint; one only when something must be made.
            names, made, notes = applier.resolve(p, create=False)
            if notes:
                with transaction.atomic():
                    names, made, _notes = applier.resolve(p, create=True)
            data = PersonIn.build({**p.data, **names})
        except Unresolved as exc:
            reason = {"field": applier.ctx.column(exc.target), "message": exc.message}
            out[i] = RowResult(p.number, Outcome.REJECTED, reasons=[reason])
            continue
        except ServiceError as exc:
            out[i] = RowResult(p.number, Outcome.REJECTED, reasons=applier._refusal(exc))
            continue
        inputs.append((i, plan, data, made))
    if not inputs:
        return out
    try:
        with transaction.atomic():
            answers = people_create_many(actor=applier.actor, items=[d for _i, _p, d, _m in inputs])
            _remember_and_flag(applier, inputs, answers)
    except Exception:  # noqa: BLE001 - the rows go the per-row way instead
        logger.exception("import: a batch of people could not be written together")
        return out
    for (i, plan, _data, made), answer in zip(inputs, answers, strict=True):
        number = plan.prepared.number
        if isinstance(answer, ServiceError):
            if applier.ctx.bad_cells == "skip" and answer.fields:
                continue  # the per-row way leaves the refused values out and writes the rest
            out[i] = RowResult(number, Outcome.REJECTED, reasons=applier._refusal(answer))
        elif plan.action == FLAG and plan.match_id is not None:
            message = applier.flag_reason(plan.match_id)
            out[i] = RowResult(
                number,
                Outcome.FLAGGED,
                answer.pk,
                [message],
                version=answer.version,
                also_created=made,
            )
        else:
            out[i] = RowResult(
                number, Outcome.CREATED, answer.pk, version=answer.version, also_created=made
            )
    return out


def _remember_and_flag(applier: Applier, inputs: list[Any], answers: list[Any]) -> None:
    from sambandh.dedupe.services import pairs_record
    from sambandh.imports.services import external_ids_set_many

    found: list[tuple[str, int]] = []
    for (_i, plan, _data, _made), answer in zip(inputs, answers, strict=True):
        if isinstance(answer, ServiceError):
            continue
        if plan.prepared.external_id:
            found.append((plan.prepared.external_id, answer.pk))
        if plan.action == FLAG and plan.match_id is not None:
            a, b = sorted((plan.match_id, answer.pk))
            pairs_record(
                record_type="person", found=[(a, b, FLAG_SCORE, [f"import:{plan.match_by}"])]
            )
    external_ids_set_many(record_type="person", system=applier.system, pairs=found)
