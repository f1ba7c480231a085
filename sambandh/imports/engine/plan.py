"""Planning one batch of rows: each row cleaned into its service's input (payloads.py), then,
with one query each for the whole batch, the suppressed contacts, the owners named, the
records its external ids name, and the records its normalized emails (for organizations also
domains and names) already belong to; then each row's decision: create, update (keyed on an
external id), merge (a duplicate by email or name, on_duplicate "update"), skip, flag (create,
and put the pair in the duplicate review queue) or reject, with the reasons.

Nothing is written here: a dry run stops after the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from sambandh.accounts.visibility import visible_q
from sambandh.imports import selectors
from sambandh.imports.engine.kinds import KINDS, Kind
from sambandh.imports.engine.payloads import PREPARE, Context, Prepared
from sambandh.imports.sources import SourceRow

CREATE, UPDATE, MERGE, SKIP, FLAG, REJECT = "create", "update", "merge", "skip", "flag", "reject"


@dataclass
class RowPlan:
    prepared: Prepared
    action: str
    #: The existing record the row is (an update, a merge, a skip) or resembles (a flag).
    match_id: int | None = None
    #: Why it matched: "external_id", "email", "domain", "name".
    match_by: str = ""
    #: The earlier row of the same batch that creates the record this row is (its index).
    same_as: int | None = None
    notes: list[dict[str, str]] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.prepared.number


class Planner:
    """Plans the batches of one job."""

    def __init__(self, *, actor: Any, record_type: str, options: dict[str, Any], ctx: Context):
        self.actor = actor
        self.kind: Kind = KINDS[record_type]
        self.options = options
        self.ctx = ctx
        self.system = options.get("external_system") or "import"
        self.on_duplicate = options.get("on_duplicate") or "update"

    # --- lookups, one query each per batch ------------------------------------------------
    def _suppressed(self, rows: list[Prepared]) -> set[str]:
        from sambandh.privacy.selectors import suppressed_among

        emails = {e for r in rows for e in r.emails}
        phones = {p for r in rows for p in r.phones}
        return suppressed_among(emails=emails, phones=phones)

    def _owners(self, rows: list[Prepared]) -> None:
        from sambandh.accounts.models import User

        wanted = {r.names["owner"].casefold() for r in rows if "owner" in r.names}
        wanted -= set(self.ctx.owners)
        if not wanted:
            return
        found = User.objects.annotate(e=Lower("email"), n=Lower("full_name")).filter(
            Q(e__in=wanted) | Q(n__in=wanted), is_active=True
        )
        for user in found.order_by("id"):
            for key in (user.email.casefold(), (user.full_name or "").casefold()):
                if key in wanted:
                    self.ctx.owners.setdefault(key, user.pk)
        for key in wanted:
            self.ctx.owners.setdefault(key, None)

    def _visible(self) -> Any:
        return self.kind.model._default_manager.filter(visible_q(self.actor, self.kind.key))

    def _by_external_id(self, rows: list[Prepared]) -> tuple[dict[str, int], set[int]]:
        """The records the rows' external ids name that still exist, and those of them the
        actor may see."""
        named = selectors.external_matches(
            self.kind.key, self.system, (r.external_id for r in rows)
        )
        if not named:
            return {}, set()
        ids = set(named.values())
        model = self.kind.model._default_manager
        existing = set(model.filter(pk__in=ids).values_list("pk", flat=True))
        visible = set(self._visible().filter(pk__in=ids).values_list("pk", flat=True))
        return {v: pk for v, pk in named.items() if pk in existing}, visible

    def _by_email(self, rows: list[Prepared]) -> dict[str, int]:
        emails = {e for r in rows for e in r.emails}
        if not emails:
            return {}
        found: dict[str, int] = {}
        if self.kind.key == "lead":
            pairs: Iterable[tuple[int, str]] = (
                self._visible().filter(email__in=emails).order_by("id").values_list("id", "email")
            )
        elif self.kind.key in ("person", "organization"):
            pairs = (
                self._visible()
                .filter(emails__email__in=emails)
                .order_by("id")
                .values_list("id", "emails__email")
            )
        else:
            return {}
        for pk, email in pairs:
            found.setdefault(email, pk)
        return found

    def _organizations_by(self, rows: list[Prepared]) -> tuple[dict[str, int], dict[str, int]]:
        """For organizations: the existing ones by domain, and by name (case-insensitive)."""
        if self.kind.key != "organization":
            return {}, {}
        domains = {r.data["domain"] for r in rows if r.data.get("domain")}
        names = {r.data["name"].casefold() for r in rows if r.data.get("name")}
        by_domain: dict[str, int] = {}
        by_name: dict[str, int] = {}
        visible = self._visible()
        if domains:
            for pk, domain in (
                visible.filter(domain__in=domains).order_by("id").values_list("id", "domain")
            ):
                by_domain.setdefault(domain, pk)
        if names:
            named = visible.annotate(folded=Lower("name")).filter(folded__in=names)
            for pk, folded in named.order_by("id").values_list("id", "folded"):
                by_name.setdefault(folded, pk)
        return by_domain, by_name

    # --- the plan -------------------------------------------------------------------------
    def plan(self, rows: list[SourceRow]) -> list[RowPlan]:
        prepare = PREPARE[self.kind.record_type]
        prepared = [prepare(self.ctx, row) for row in rows]
        suppressed = self._suppressed(prepared)
        self._owners(prepared)
        externals, visible_externals = self._by_external_id(prepared)
        emails = self._by_email(prepared)
        by_domain, by_name = self._organizations_by(prepared)
        plans: list[RowPlan] = []
        #: Keys (external id, email, domain, name) of rows of this batch that create a record.
        creating: dict[str, int] = {}
        for p in prepared:
            plans.append(
                self._decide(
                    p,
                    suppressed=suppressed,
                    externals=externals,
                    visible_externals=visible_externals,
                    emails=emails,
                    by_domain=by_domain,
                    by_name=by_name,
                    creating=creating,
                    index=len(plans),
                )
            )
        return plans

    def _keys(self, p: Prepared) -> list[str]:
        keys = [f"x:{p.external_id}"] if p.external_id else []
        keys += [f"e:{e}" for e in p.emails]
        if self.kind.key == "organization":
            if p.data.get("domain"):
                keys.append(f"d:{p.data['domain']}")
            if p.data.get("name"):
                keys.append(f"n:{p.data['name'].casefold()}")
        return keys

    def _decide(
        self,
        p: Prepared,
        *,
        suppressed: set[str],
        externals: dict[str, int],
        visible_externals: set[int],
        emails: dict[str, int],
        by_domain: dict[str, int],
        by_name: dict[str, int],
        creating: dict[str, int],
        index: int,
    ) -> RowPlan:
        owner = p.names.get("owner")
        if owner is not None:
            owner_id = self.ctx.owners.get(owner.casefold())
            if owner_id is None:
                p.refuse(self.ctx.column("owner"), _("No active user with this email or name."))
            else:
                p.data["owner_id"] = owner_id
        hit = [v for v in (*p.emails, *p.phones) if v in suppressed]
        if hit:
            p.refuse(
                self.ctx.column("email" if "@" in hit[0] else "phone"),
                _("This email or phone belongs to a person who was erased; it cannot be imported."),
            )
        if p.rejected:
            return RowPlan(p, REJECT)
        # The same record, in the system it came from: an update whatever the duplicates rule.
        if p.external_id and p.external_id in externals:
            pk = externals[p.external_id]
            if pk not in visible_externals:
                p.refuse(
                    self.ctx.column("external_id"),
                    _("This external id belongs to a record you cannot see."),
                )
                return RowPlan(p, REJECT)
            action = SKIP if self.on_duplicate == "skip" else UPDATE
            return RowPlan(p, action, match_id=pk, match_by="external_id")
        keys = self._keys(p)
        same_id = f"x:{p.external_id}" if p.external_id else ""
        if self.on_duplicate == "create":  # duplicates are wanted; the same record is not
            earlier = creating.get(same_id) if same_id else None
        else:
            earlier = next((creating[k] for k in keys if k in creating), None)
        if earlier is not None:
            action = UPDATE if same_id and same_id in creating else MERGE
            if self.on_duplicate == "skip":
                action = SKIP
            return RowPlan(p, action, same_as=earlier, match_by="file")
        match_id, match_by = None, ""
        for email in p.emails:
            if email in emails:
                match_id, match_by = emails[email], "email"
                break
        if match_id is None and self.kind.key == "organization":
            domain, name = p.data.get("domain"), (p.data.get("name") or "").casefold()
            if domain and domain in by_domain:
                match_id, match_by = by_domain[domain], "domain"
            elif name and name in by_name:
                match_id, match_by = by_name[name], "name"
        if match_id is not None and self.on_duplicate != "create":
            action = {"update": MERGE, "skip": SKIP, "flag": FLAG}[self.on_duplicate]
            plan = RowPlan(p, action, match_id=match_id, match_by=match_by)
            if action == FLAG:
                for key in keys:
                    creating.setdefault(key, index)
            return plan
        for key in keys:
            creating.setdefault(key, index)
        return RowPlan(p, CREATE)
