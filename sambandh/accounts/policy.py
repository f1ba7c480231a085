"""The access policy: who may see, change and share which records, and which fields each role
may see and change. Every page, endpoint, search, list filter and sort asks here.

Records (the rule itself is written once in ``visibility.py``):
- an admin sees and changes everything;
- a manager sees and changes the records of everyone in their teams and the teams below;
- everyone else sees and changes their own records;
- plus what is shared with them or one of their teams (for reading, or for editing);
- a read-only user changes nothing.

A record may be shared by its owner, the owner's manager, or an admin. An activity is changed
by its author, a task's assignee, their managers or an admin, and a link of an activity changes
only by someone who sees the record at both ends.

Fields: an admin sets, per record type and field (``core/registry.py`` declares them), the
roles from which the field is hidden and the roles for which it is read-only
(``FieldRule`` rows). A hidden field is absent from records, pages and search, and cannot be
filtered or sorted on; a change to a hidden or read-only field is refused. Administrators are
never restricted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from sambandh.accounts.models import FieldRule, Role
from sambandh.accounts.visibility import (
    _shares,
    editable_q,
    scope_for,
    visible_branches,
    visible_q,
)
from sambandh.core import registry
from sambandh.core.compiled import CompiledQuery
from sambandh.core.errors import Forbidden, ValidationFailed

__all__ = [
    "FieldAccess",
    "can_change_activity",
    "can_edit",
    "can_see",
    "can_share",
    "check_list",
    "editable_q",
    "ensure_admin",
    "field_access",
    "guard_changes",
    "visible_among",
    "visible_branches",
    "visible_q",
]

#: Where `field_access` keeps the rules it read on the viewer object, for the rest of the request.
FIELD_CACHE_ATTR = "_sambandh_field_access"


# --- records ---------------------------------------------------------------------------------
def ensure_can_write(actor: Any) -> None:
    """Refuse any write by a role that only reads."""
    if not getattr(actor, "can_write", False):
        raise Forbidden(_("Your role can read records but not change them."))


def ensure_admin(actor: Any) -> None:
    """Refuse what only an administrator may do: users, teams, pipelines from the settings
    area, the company's defaults."""
    if not getattr(actor, "is_admin", False):
        raise Forbidden(_("Only administrators can do this."))


def owner_for_write(actor: Any, owner: Any) -> Any:
    """The owner a write gives a record: the actor unless another (active) user is named."""
    if owner is None:
        return actor
    if not owner.is_active:
        raise ValidationFailed(fields={"owner": _("The owner must be an active user.")})
    return owner


def owner_for_input(actor: Any, owner_id: int | None) -> Any:
    """The owner a write input names by ``owner_id``: the actor when it is None, else a user the
    actor may see in the directory (unknown: a 422 naming ``owner_id``) who is active."""
    if owner_id is None:
        return actor
    from sambandh.accounts.selectors import user_get

    owner = user_get(viewer=actor, user_id=owner_id)
    if owner is None:
        raise ValidationFailed(fields={"owner_id": _("No such user.")})
    return owner_for_write(actor, owner)


def can_see(viewer: Any, record_type: str, record: Any) -> bool:
    return record.pk in visible_among(viewer, record_type, [record])


def can_edit(viewer: Any, record_type: str, record: Any) -> bool:
    scope = scope_for(viewer)
    if not scope.can_write:
        return False
    if scope.everything or record.owner_id in scope.owner_ids:
        return True
    model = type(record)
    return bool(
        model._default_manager.filter(editable_q(viewer, record_type), pk=record.pk).exists()
    )


def could_edit_gone(viewer: Any, record_type: str, record_id: int, owner_id: int | None) -> bool:
    """Whether ``viewer`` might change a record that no longer exists (deleted while they had
    it open), judged from its owner and the shares, which outlive the row."""
    scope = scope_for(viewer)
    if not scope.can_write:
        return False
    if scope.everything or (owner_id is not None and owner_id in scope.owner_ids):
        return True
    return _shares(scope, record_type, editable=True).filter(record_id=record_id).exists()


def can_share(viewer: Any, record: Any) -> bool:
    """The owner, the owner's manager, or an admin (never a read-only user)."""
    scope = scope_for(viewer)
    if not scope.can_write:
        return False
    if scope.everything or record.owner_id == viewer.pk:
        return True
    return viewer.role == Role.MANAGER and record.owner_id in scope.owner_ids


def visible_among(viewer: Any, record_type: str, records: Iterable[Any]) -> set[int]:
    """The ids of ``records`` (with their ``owner_id`` loaded) that ``viewer`` may see: those
    owned within the viewer's scope at once, the rest by one query on the shares."""
    scope = scope_for(viewer)
    items = [r for r in records if r is not None]
    if scope.everything:
        return {r.pk for r in items}
    if not scope.user_id:
        return set()
    seen = {r.pk for r in items if r.owner_id in scope.owner_ids}
    rest = {r.pk for r in items} - seen
    if rest:
        shared = _shares(scope, record_type, editable=False).filter(record_id__in=sorted(rest))
        seen |= {row["record_id"] for row in shared}
    return seen


def editable_among(viewer: Any, record_type: str, records: Iterable[Any]) -> set[int]:
    """The ids of ``records`` that ``viewer`` may change (as ``visible_among``)."""
    scope = scope_for(viewer)
    items = [r for r in records if r is not None]
    if not scope.can_write:
        return set()
    if scope.everything:
        return {r.pk for r in items}
    seen = {r.pk for r in items if r.owner_id in scope.owner_ids}
    rest = {r.pk for r in items} - seen
    if rest:
        shared = _shares(scope, record_type, editable=True).filter(record_id__in=sorted(rest))
        seen |= {row["record_id"] for row in shared}
    return seen


def link_or_none(viewer: Any, record_type: str, record: Any) -> Any:
    """``record`` when the viewer may see it, else None: a link to a record the viewer may not
    see shows neither its name nor its id."""
    if record is None:
        return None
    return record if record.pk in visible_among(viewer, record_type, [record]) else None


def show_links(
    viewer: Any, records: Iterable[Any], *, record_type: str, field: str, link_type: str = ""
) -> None:
    """Set ``shown_<field>`` on each record (of ``record_type``): the record its link ``field``
    points at when the viewer may see that record and the field, else None. Pages and the API
    show the link through it, never through the raw relation. The linked records should come
    with ``records`` (select_related); one query checks the shares of those not owned."""
    items = list(records)
    rt = registry.get(record_type)
    spec = rt.field(field)
    link_type = link_type or (spec.link if spec is not None else field)
    attr = f"shown_{field}"
    if spec is not None and not field_access(viewer, record_type).shows(spec.name):
        for record in items:
            setattr(record, attr, None)
        return
    linked = [getattr(r, field) for r in items if getattr(r, f"{field}_id") is not None]
    seen = visible_among(viewer, link_type, linked)
    for record in items:
        target = getattr(record, field) if getattr(record, f"{field}_id") is not None else None
        setattr(record, attr, target if target is not None and target.pk in seen else None)


def record_page(viewer: Any, record_type: str, record: Any) -> dict[str, Any]:
    """What a record page asks of the policy, for its template: which fields to show
    (``show``), which the viewer may change (``show_can_change``), and whether they may edit
    and share the record (its buttons appear only then)."""
    access = field_access(viewer, record_type)
    return {
        "show": access.show,
        "show_can_change": access.can_change_map,
        "can_edit": can_edit(viewer, record_type, record),
        "can_share": can_share(viewer, record),
    }


# --- activities ------------------------------------------------------------------------------
def activity_changeable_q(viewer: Any) -> Q:
    """The activities ``viewer`` may edit, detach or delete: their own (as author or a task's
    assignee), their team's when they manage it, every one for an admin."""
    scope = scope_for(viewer)
    if not scope.can_write:
        return Q(pk__in=[])
    if scope.everything:
        return Q()
    owners = sorted(scope.owner_ids)
    return Q(owner_id__in=owners) | Q(assignee_id__in=owners)


def can_change_activity(viewer: Any, activity: Any) -> bool:
    scope = scope_for(viewer)
    if not scope.can_write:
        return False
    return (
        scope.everything
        or activity.owner_id in scope.owner_ids
        or (activity.assignee_id is not None and activity.assignee_id in scope.owner_ids)
    )


# --- fields ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldAccess:
    """What one viewer may do with the fields of one record type."""

    record_type: str
    hidden: frozenset[str] = frozenset()
    read_only: frozenset[str] = frozenset()

    @property
    def restricted(self) -> bool:
        return bool(self.hidden or self.read_only)

    def shows(self, name: str) -> bool:
        return name not in self.hidden

    def can_change(self, name: str) -> bool:
        return name not in self.hidden and name not in self.read_only

    @property
    def show(self) -> Mapping[str, bool]:
        """For templates: ``{% if fields.show.phones %}``."""
        return _Shows(self)

    @property
    def can_change_map(self) -> Mapping[str, bool]:
        """For templates: ``{% if can_change.stage %}``."""
        return _Shows(self, change=True)

    @property
    def hidden_keys(self) -> frozenset[str]:
        """Every key of the API record that a hidden field covers."""
        rt = registry.find(self.record_type)
        keys: set[str] = set()
        for name in self.hidden:
            if name.startswith(registry.CUSTOM_PREFIX):
                keys.add(name)  # a key inside the record's ``custom`` object
                continue
            spec = rt.field(name) if rt else None
            keys.update(spec.output_keys if spec else (name,))
        return frozenset(keys)

    def redact(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` (an API record) without the keys of hidden fields (a custom field's
        inside ``custom``)."""
        if not self.hidden:
            return data
        hidden = self.hidden_keys
        redacted = {k: v for k, v in data.items() if k not in hidden}
        prefix = registry.CUSTOM_PREFIX
        custom_hidden = {k[len(prefix) :] for k in hidden if k.startswith(prefix)}
        if custom_hidden and isinstance(redacted.get("custom"), dict):
            redacted["custom"] = {
                k: v for k, v in redacted["custom"].items() if k not in custom_hidden
            }
        return redacted


class _Shows(Mapping[str, bool]):
    def __init__(self, access: FieldAccess, *, change: bool = False) -> None:
        self._access = access
        self._change = change

    def __getitem__(self, name: str) -> bool:
        if self._change:
            return self._access.can_change(name)
        return self._access.shows(name)

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


# Read on every request that shows records (compiled once: sambandh/core/compiled.py).
_role_rules = CompiledQuery(
    lambda p: (
        FieldRule.objects.filter(role=p.text("role"))
        .order_by()
        .values_list("record_type", "field", "access")
    )
)


def _can_hide(record_type: str, field: str) -> bool:
    """Whether ``field`` of ``record_type`` may be hidden: not one the registry declares always
    shown (``Field.hideable``: a record's name, an activity's kind, subject, time and due date,
    its assignee and author). The settings refuse to hide those; a hidden rule on one that got
    in some other way (written to the table directly) counts as read-only (``_add_rule``): the
    field is shown, as every page, export and API answer shows it, but not changed."""
    rt = registry.find(record_type)
    if rt is None or field.startswith(registry.CUSTOM_PREFIX):
        return True
    spec = next((f for f in rt.fields if f.name == field), None)
    return spec is None or spec.hideable


def _add_rule(
    hidden: dict[str, set[str]],
    read_only: dict[str, set[str]],
    record_type: str,
    field: str,
    access: str,
) -> None:
    if access == FieldRule.Access.HIDDEN and _can_hide(record_type, field):
        hidden.setdefault(record_type, set()).add(field)
    else:
        read_only.setdefault(record_type, set()).add(field)


def _rules_by_type(role: str) -> dict[str, FieldAccess]:
    hidden: dict[str, set[str]] = {}
    read_only: dict[str, set[str]] = {}
    for record_type, field, access in _role_rules.rows(role=role):
        _add_rule(hidden, read_only, record_type, field, access)
    return {
        key: FieldAccess(key, frozenset(hidden.get(key, ())), frozenset(read_only.get(key, ())))
        for key in {*hidden, *read_only}
    }


def field_access(viewer: Any, record_type: str) -> FieldAccess:
    """The viewer's access to the fields of ``record_type`` (one query per request, for every
    type; none for an admin)."""
    role = getattr(viewer, "role", None)
    if role is None or role == Role.ADMIN:
        return FieldAccess(record_type)
    cached = getattr(viewer, FIELD_CACHE_ATTR, None)
    if cached is None:
        cached = _rules_by_type(role)
        setattr(viewer, FIELD_CACHE_ATTR, cached)
    return cached.get(record_type) or FieldAccess(record_type)


def role_rules_text(p: Any, role_slot: str) -> Any:
    """For a compiled statement (core/compiled.py) that reads the viewer's field rules along
    with its record, sparing a statement: every rule of the role in slot ``role_slot``, as
    ``record_type:field:access`` joined by ``;`` (None when there is none). Give the text to
    ``prime_field_access``."""
    from django.db.models import StringAgg, Subquery, Value
    from django.db.models.functions import Concat

    rules = (
        FieldRule.objects.filter(role=p.text(role_slot))
        .order_by()
        .values("role")
        .annotate(
            text=StringAgg(
                Concat("record_type", Value(":"), "field", Value(":"), "access"),
                delimiter=Value(";"),
            )
        )
        .values("text")
    )
    return Subquery(rules)


def rules_apply(rules_text: str | None, record_type: str) -> bool:
    """Whether ``rules_text`` (from ``role_rules_text``) holds a rule for ``record_type``."""
    return bool(rules_text) and any(
        item.split(":", 1)[0] == record_type for item in (rules_text or "").split(";")
    )


def prime_field_access(viewer: Any, rules_text: str | None) -> None:
    """Give ``field_access`` the viewer's rules, read by a statement of the caller's (see
    ``role_rules_text``), so that it reads nothing more this request."""
    if getattr(viewer, "role", None) in (None, Role.ADMIN):
        return
    hidden: dict[str, set[str]] = {}
    read_only: dict[str, set[str]] = {}
    for item in (rules_text or "").split(";"):
        parts = item.split(":")
        if len(parts) != 3:
            continue
        record_type, field, access = parts
        _add_rule(hidden, read_only, record_type, field, access)
    setattr(
        viewer,
        FIELD_CACHE_ATTR,
        {
            key: FieldAccess(key, frozenset(hidden.get(key, ())), frozenset(read_only.get(key, ())))
            for key in {*hidden, *read_only}
        },
    )


def forget_field_access(viewer: Any) -> None:
    if hasattr(viewer, FIELD_CACHE_ATTR):
        delattr(viewer, FIELD_CACHE_ATTR)


def check_list(viewer: Any, record_type: str, filters: Mapping[str, Any], sort: str = "") -> None:
    """Refuse a filter or sort on a field hidden from the viewer (422 naming it): a hidden field
    can no more be tested than read."""
    access = field_access(viewer, record_type)
    if not access.hidden:
        return
    rt = registry.get(record_type)
    errors: dict[str, str] = {}
    for name, value in filters.items():
        spec = rt.field_for_filter(name)
        if spec is not None and value not in (None, "") and not access.shows(spec.name):
            errors[name] = _("This field is hidden from you.")
    if sort:
        spec = rt.field_for_sort(sort)
        if spec is not None and not access.shows(spec.name):
            errors["sort"] = _("This field is hidden from you.")
    if errors:
        raise ValidationFailed(_("You cannot filter or sort on a hidden field."), fields=errors)


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def guard_write(
    actor: Any,
    record_type: str,
    *,
    fields: Mapping[str, Any],
    instance: Any = None,
    lists: Mapping[str, Any] | None = None,
) -> None:
    """Refuse (403) a write that changes a field hidden from or read-only for ``actor``.

    ``fields``: the cleaned values the write sets, by model attribute; on an update those equal
    to ``instance``'s are not changes (a form that sends a read-only field back unchanged is
    fine), on a create those left empty (or the actor as owner) are not. ``lists``: for fields
    written as lists (emails, tags), whether each changes, or a callable that says so (only
    asked when a rule applies: the comparison may read rows)."""
    access = field_access(actor, record_type)
    if not access.restricted:
        return
    changed: list[str] = []
    for name, value in fields.items():
        if instance is None:
            if value in _EMPTY or (name == "owner" and value == actor):
                continue
        elif getattr(instance, name, None) == value:
            continue
        changed.append(name)
    for name, changes in (lists or {}).items():
        if callable(changes):
            changes = changes()
        if changes:
            changed.append(name)
    guard_changes(actor, record_type, changed)


def guard_changes(actor: Any, record_type: str, changed: Iterable[str]) -> None:
    """Refuse (403, changing nothing) a write that changes a field hidden from or read-only for
    ``actor``. ``changed`` names the fields (or their input names) whose value would change."""
    access = field_access(actor, record_type)
    if not access.restricted:
        return
    rt = registry.get(record_type)
    errors: dict[str, str] = {}
    for name in changed:
        spec = rt.field(name) or rt.field_for_input(name)
        field_name = spec.name if spec else name
        if not access.can_change(field_name):
            key = spec.input_keys[0] if spec else name
            errors[key] = _("You cannot change this field.")
    if errors:
        raise Forbidden(_("Your role cannot change some of these fields."), fields=errors)


# --- duplicates ------------------------------------------------------------------------------
def can_review_duplicates(viewer: Any) -> bool:
    """The duplicate review queue (sambandh/dedupe) is for administrators and managers: they
    decide what is the same record across owners."""
    return getattr(viewer, "role", None) in (Role.ADMIN, Role.MANAGER) and getattr(
        viewer, "is_active", False
    )


def ensure_can_review_duplicates(viewer: Any) -> None:
    if not can_review_duplicates(viewer):
        raise Forbidden(_("Only administrators and managers can review duplicates."))
