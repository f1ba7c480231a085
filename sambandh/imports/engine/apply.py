"""Applying a batch's plan through the owning apps' services, each row in a savepoint of its own
(a row the service refuses is that row's rejection, with the service's reasons, and undoes only
that row), and rehearsing it for a dry run (the outcome each row would have; nothing written).

Names a row gives are found here: an organization by name (created on the fly when nobody has
it, and remembered on the row so an undo removes it too), a deal's pipeline and stage, a
deal's person (by email or name, among the people the importer may see).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from sambandh.accounts.visibility import visible_q
from sambandh.core import registry
from sambandh.core.errors import ServiceError
from sambandh.imports.engine.kinds import Kind
from sambandh.imports.engine.payloads import Context, Prepared
from sambandh.imports.engine.plan import CREATE, FLAG, MERGE, REJECT, SKIP, UPDATE, RowPlan
from sambandh.imports.models import ImportRow

logger = logging.getLogger("sambandh.imports")
Outcome = ImportRow.Outcome

#: The score and reason a flagged pair enters the duplicate review queue with.
FLAG_SCORE = 0.9
#: A service's field name -> the target key whose column the reason names.
FIELD_TARGETS = {
    "emails": "email",
    "phones": "phone",
    "addresses": "street",
    "owner_id": "owner",
    "organization_id": "organization",
    "parent_id": "parent",
    "stage_id": "stage",
    "pipeline_id": "pipeline",
    "person_ids": "person",
}


#: The ImportRow fields of ``RowResult.as_values``, in order.
ROW_COLUMNS = (
    "job_id",
    "number",
    "outcome",
    "record_id",
    "reasons",
    "before",
    "version",
    "also_created",
)


@dataclass
class RowResult:
    number: int
    outcome: str
    record_id: int | None = None
    reasons: list[dict[str, str]] = field(default_factory=list)
    before: dict[str, Any] | None = None
    version: int | None = None
    also_created: list[list[Any]] = field(default_factory=list)

    def as_values(self, job_id: int) -> tuple[Any, ...]:
        """``as_row``'s values, by ``ROW_COLUMNS``."""
        return (
            job_id,
            self.number,
            self.outcome,
            self.record_id,
            self.reasons,
            self.before,
            self.version,
            self.also_created,
        )

    def as_row(self, job_id: int) -> ImportRow:
        return ImportRow(
            job_id=job_id,
            number=self.number,
            outcome=self.outcome,
            record_id=self.record_id,
            reasons=self.reasons,
            before=self.before,
            version=self.version,
            also_created=self.also_created,
        )


class Unresolved(Exception):
    """A name the row gives that names nothing the importer may use."""

    def __init__(self, target: str, message: str) -> None:
        self.target, self.message = target, message
        super().__init__(message)


class Applier:
    def __init__(self, *, actor: Any, kind: Kind, ctx: Context, options: dict[str, Any]) -> None:
        self.actor, self.kind, self.ctx = actor, kind, ctx
        self.system = options.get("external_system") or "import"
        #: Committed organizations by folded name (rows' on-the-fly creations once committed).
        self.organizations: dict[str, int] = {}
        self.rt = registry.get(kind.key)
        #: New people written a batch at a time (batched.py); off: one by one.
        self.batched = bool(options.get("batched", True))

    # --- reasons --------------------------------------------------------------------------
    def _column(self, name: str) -> str:
        head = name.split(".")[0]
        if head == "custom" and "." in name:
            return self.ctx.column(".".join(name.split(".")[:2]))
        if head == "__all__":
            return ""
        return self.ctx.column(FIELD_TARGETS.get(head, head))

    def leave_out(self, p: Any, exc: ServiceError) -> bool:
        """With ``bad_cells`` "skip": drop from the row what the service refused (a date of
        birth in the future...) and say so in its report; False when there is nothing to drop
        (the row is then rejected), so a retry always has less to refuse."""
        if self.ctx.bad_cells != "skip" or not exc.fields:
            return False
        keys = {k.split(".")[0] for k in exc.fields} & (set(p.data) - {"full_name", "name"})
        if not keys:
            return False
        for key in sorted(keys):
            p.data.pop(key)
        p.skipped.extend(
            {"field": self._column(k), "message": _("Left out: %(why)s") % {"why": v}}
            for k, v in exc.fields.items()
            if k.split(".")[0] in keys
        )
        return True

    def _refusal(self, exc: ServiceError) -> list[dict[str, str]]:
        if exc.fields:
            return [{"field": self._column(k), "message": v} for k, v in exc.fields.items()]
        return [{"field": "", "message": exc.message}]

    # --- names ----------------------------------------------------------------------------
    def _organization(self, name: str, *, create: bool, made: list[list[Any]]) -> int | None:
        from sambandh.contacts.models import Organization

        folded = name.casefold()
        if folded in self.organizations:
            return self.organizations[folded]
        found = (
            Organization.objects.filter(visible_q(self.actor, "organization"))
            .annotate(folded=Lower("name"))
            .filter(folded=folded)
            .order_by("id")
            .values_list("pk", flat=True)
            .first()
        )
        if found is None and create:
            from sambandh.contacts.schemas import OrganizationIn
            from sambandh.contacts.services import organization_create

            found = organization_create(
                actor=self.actor, data=OrganizationIn.build({"name": name})
            ).pk
            made.append(["organization", found])
        if found is not None:
            self.organizations[folded] = found
        return found

    def _pipeline_stage(self, p: Prepared) -> dict[str, Any]:
        from sambandh.sales.models import Pipeline, Stage

        pipeline_name, stage_name = p.names.get("pipeline"), p.names.get("stage")
        out: dict[str, Any] = {}
        pipeline = None
        if pipeline_name:
            pipeline = (
                Pipeline.objects.filter(is_archived=False, name__iexact=pipeline_name)
                .order_by("id")
                .first()
            )
            if pipeline is None:
                raise Unresolved(
                    "pipeline", _("No pipeline named “%(name)s”.") % {"name": pipeline_name[:100]}
                )
            out["pipeline_id"] = pipeline.pk
        if stage_name:
            stages = Stage.objects.filter(is_archived=False, name__iexact=stage_name)
            if pipeline is not None:
                stages = stages.filter(pipeline=pipeline)
            else:
                stages = stages.filter(pipeline__is_default=True, pipeline__is_archived=False)
            stage = stages.order_by("position", "id").first()
            if stage is None:
                raise Unresolved(
                    "stage", _("No stage named “%(name)s”.") % {"name": stage_name[:100]}
                )
            out["stage_id"] = stage.pk
            out.pop("pipeline_id", None)
        return out

    def _person(self, text: str) -> int:
        from sambandh.contacts.models import Person

        people = Person.objects.filter(visible_q(self.actor, "person"))
        if "@" in text:
            people = people.filter(emails__email=text.strip().lower())
        else:
            people = people.filter(full_name__iexact=text.strip())
        found = people.order_by("id").values_list("pk", flat=True).first()
        if found is None:
            raise Unresolved(
                "person", _("No person “%(name)s” that you can see.") % {"name": text[:100]}
            )
        return found

    def resolve(
        self, p: Prepared, *, create: bool
    ) -> tuple[dict[str, Any], list[list[Any]], list[str]]:
        """The ids the row's names stand for, the records made for them, and (without
        ``create``) notes on what would be made."""
        data: dict[str, Any] = {}
        made: list[list[Any]] = []
        notes: list[str] = []
        for target, attribute in (("organization", "organization_id"), ("parent", "parent_id")):
            name = p.names.get(target)
            if name:
                pk = self._organization(name, create=create, made=made)
                if pk is None:
                    notes.append(
                        _("The organization “%(name)s” would be created.") % {"name": name[:100]}
                    )
                else:
                    data[attribute] = pk
        if self.kind.key == "deal":
            data.update(self._pipeline_stage(p))
            if p.names.get("person"):
                data["person_ids"] = [self._person(p.names["person"])]
        return data, made, notes

    # --- writing --------------------------------------------------------------------------
    def _remember(self, external_id: str, record_id: int) -> None:
        if external_id:
            from sambandh.imports.services import external_id_set

            external_id_set(
                record_type=self.kind.key,
                system=self.system,
                value=external_id,
                record_id=record_id,
            )

    def _write(self, plan: RowPlan, action: str, match_id: int | None) -> RowResult:
        p = plan.prepared
        names, made, _notes = self.resolve(p, create=True)
        data = {**p.data, **names}
        if action in (CREATE, FLAG):
            record = self.kind.create(self.actor, data)
            self._remember(p.external_id, record.pk)
            outcome = Outcome.CREATED
            reasons: list[dict[str, str]] = []
            if action == FLAG and match_id is not None:
                from sambandh.dedupe.services import pairs_record

                a, b = sorted((match_id, record.pk))
                pairs_record(
                    record_type=self.kind.key,
                    found=[(a, b, FLAG_SCORE, [f"import:{plan.match_by}"])],
                )
                outcome = Outcome.FLAGGED
                reasons = [self.flag_reason(match_id)]
            return RowResult(
                p.number, outcome, record.pk, reasons, version=record.version, also_created=made
            )
        record = self.kind.model._default_manager.filter(pk=match_id).first()
        if record is None:
            raise ServiceError(_("The matching record was deleted meanwhile."))
        patch, before = self.kind.changes(record, data)
        self._remember(p.external_id, record.pk)
        if not patch:
            return RowResult(p.number, Outcome.UNCHANGED, record.pk, also_created=made)
        assert self.rt.update is not None
        record = self.rt.update(
            actor=self.actor, record=record, values=patch, version=record.version
        )
        outcome = Outcome.UPDATED if action == UPDATE else Outcome.MERGED
        return RowResult(
            p.number, outcome, record.pk, before=before, version=record.version, also_created=made
        )

    def flag_reason(self, match_id: int) -> dict[str, str]:
        message = _("Possible duplicate of record %(id)s.") % {"id": match_id}
        return {"field": "", "message": message}

    def apply(self, plans: list[RowPlan]) -> list[RowResult]:
        """Write the batch's rows, each in its own savepoint (new people together: batched.py)."""
        done: dict[int, RowResult] = {}
        if self.kind.key == "person" and self.batched:
            from sambandh.imports.engine.batched import apply_new_people

            done = apply_new_people(self, plans)
        created = {
            i: r.record_id
            for i, r in done.items()
            if r.outcome in (Outcome.CREATED, Outcome.FLAGGED) and r.record_id
        }
        results = []
        for index, plan in enumerate(plans):
            result = done.get(index) or self._apply_one(plan, created)
            if result.outcome in (Outcome.CREATED, Outcome.FLAGGED) and result.record_id:
                created[index] = result.record_id
            results.append(result)
        return results

    def _apply_one(self, plan: RowPlan, created: dict[int, int]) -> RowResult:
        p = plan.prepared
        if plan.action == REJECT:
            return RowResult(p.number, Outcome.REJECTED, reasons=p.reasons)
        action, match_id = plan.action, plan.match_id
        if plan.same_as is not None:
            match_id = created.get(plan.same_as)
            if match_id is None:  # the row it repeats was refused: this one stands alone
                action = CREATE
        if action == SKIP:
            return RowResult(p.number, Outcome.UNCHANGED, match_id, self._skipped(plan))
        known = dict(self.organizations)
        try:
            with transaction.atomic():
                return self._write(plan, action, match_id)
        except Unresolved as exc:
            self.organizations = known
            return RowResult(
                p.number,
                Outcome.REJECTED,
                reasons=[{"field": self.ctx.column(exc.target), "message": exc.message}],
            )
        except ServiceError as exc:
            self.organizations = known  # an organization made in the savepoint is gone with it
            if self.leave_out(p, exc):
                return self._apply_one(plan, created)
            return RowResult(p.number, Outcome.REJECTED, reasons=self._refusal(exc))
        except Exception:  # noqa: BLE001 - the row's outcome; the others go on
            logger.exception("import row %s failed", p.number)
            self.organizations = known
            message = _("Something went wrong on our side; it was left as it was.")
            return RowResult(
                p.number, Outcome.REJECTED, reasons=[{"field": "", "message": message}]
            )

    def _skipped(self, plan: RowPlan) -> list[dict[str, str]]:
        return [{"field": "", "message": _("A matching record exists; skipped.")}]

    # --- dry run --------------------------------------------------------------------------
    def rehearse(self, plans: list[RowPlan]) -> list[RowResult]:
        """Each row's outcome as the import would have it; nothing is written."""
        results = []
        for plan in plans:
            p = plan.prepared
            if plan.action == REJECT:
                results.append(RowResult(p.number, Outcome.WOULD_REJECT, reasons=p.reasons))
                continue
            if plan.action == SKIP:
                results.append(
                    RowResult(p.number, Outcome.UNCHANGED, plan.match_id, self._skipped(plan))
                )
                continue
            try:
                names, _made, notes = self.resolve(p, create=False)
            except Unresolved as exc:
                reason = {"field": self.ctx.column(exc.target), "message": exc.message}
                results.append(RowResult(p.number, Outcome.WOULD_REJECT, reasons=[reason]))
                continue
            reasons = [{"field": "", "message": n} for n in notes]
            if plan.action in (CREATE, FLAG) or plan.same_as is not None:
                outcome = {
                    CREATE: Outcome.WOULD_CREATE,
                    FLAG: Outcome.WOULD_FLAG,
                    UPDATE: Outcome.WOULD_UPDATE,
                    MERGE: Outcome.WOULD_MERGE,
                }[plan.action]
                results.append(RowResult(p.number, outcome, plan.match_id, reasons))
                continue
            record = self.kind.model._default_manager.filter(pk=plan.match_id).first()
            patch, _before = self.kind.changes(record, {**p.data, **names}) if record else ({}, {})
            if not patch:
                results.append(RowResult(p.number, Outcome.UNCHANGED, plan.match_id, reasons))
                continue
            outcome = Outcome.WOULD_UPDATE if plan.action == UPDATE else Outcome.WOULD_MERGE
            changed = [{"field": self._column(k), "message": _("would change")} for k in patch]
            results.append(RowResult(p.number, outcome, plan.match_id, reasons + changed))
        return results
