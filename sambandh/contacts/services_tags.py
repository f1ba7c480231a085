"""Writes for tags: shared configuration every writer may add to, only admins and managers may
rename or remove (a rename or removal changes every record that carries the tag)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.accounts.models import Role, User
from sambandh.contacts.cards import tag_names_refresh
from sambandh.contacts.models import Tag
from sambandh.core.audit import audit_record, diff_fields
from sambandh.core.cleaning import clean_text
from sambandh.core.errors import Forbidden, ValidationFailed
from sambandh.core.records import FieldErrors, lock_for_update

# The colors the interface has a style for; anything else would render unstyled.
TAG_COLORS = (
    "gray",
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "indigo",
    "purple",
    "pink",
)


def _ensure_writer(actor: User) -> None:
    if not actor.can_write:
        raise Forbidden(_("Your role can read records but not change them."))


def _ensure_tag_admin(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.MANAGER):
        raise Forbidden(_("Only administrators and managers can rename or delete tags."))


def _clean_name(name: str | None, errors: FieldErrors, *, exclude_pk: int | None = None) -> str:
    clean = errors.run(clean_text, name, field="name", max_length=60, required=True) or ""
    if clean:
        taken = Tag.objects.filter(name__iexact=clean)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors.add("name", _("A tag with this name already exists."))
    return clean


def _clean_color(color: str | None, errors: FieldErrors) -> str:
    value = (color or "").strip().lower()
    if value not in TAG_COLORS:
        errors.add("color", _("Choose one of: %(colors)s.") % {"colors": ", ".join(TAG_COLORS)})
    return value


def _save_unique(tag: Tag) -> None:
    """Save, turning a concurrent duplicate name into a field error instead of a server error."""
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        raise ValidationFailed(fields={"name": _("A tag with this name already exists.")}) from None


@transaction.atomic
def tag_create(*, actor: User, name: str, color: str = "gray") -> Tag:
    _ensure_writer(actor)
    errors = FieldErrors()
    clean_name = _clean_name(name, errors)
    clean_color = _clean_color(color, errors)
    errors.raise_if_any()
    tag = Tag(name=clean_name, color=clean_color)
    _save_unique(tag)
    audit_record(
        actor=actor,
        action="create",
        record_type="tag",
        record_id=tag.pk,
        changes={"name": clean_name, "color": clean_color},
        summary=clean_name,
    )
    return tag


@transaction.atomic
def tag_update(
    *, actor: User, tag: Tag, version: int | None, name: str | None = None, color: str | None = None
) -> Tag:
    _ensure_tag_admin(actor)
    tag = lock_for_update(tag, version)
    errors = FieldErrors()
    data = {}
    if name is not None:
        data["name"] = _clean_name(name, errors, exclude_pk=tag.pk)
    if color is not None:
        data["color"] = _clean_color(color, errors)
    errors.raise_if_any()
    changes = diff_fields(tag, data)
    tag.version += 1
    tag.updated_at = timezone.now()
    _save_unique(tag)
    # A renamed tag's people get the new name on their cards in the worker, after commit
    # (contacts/handlers.py): a tag on 100,000 people must not hold the request.
    audit_record(
        actor=actor,
        action="update",
        record_type="tag",
        record_id=tag.pk,
        changes=changes,
        summary=tag.name,
    )
    return tag


@transaction.atomic
def tag_delete(*, actor: User, tag: Tag, version: int | None) -> None:
    """Remove the tag from every record that carries it, then the tag itself."""
    _ensure_tag_admin(actor)
    tag = lock_for_update(tag, version)
    pk, name = tag.pk, tag.name
    people = list(tag.people.values_list("id", flat=True))
    tag.delete()
    tag_names_refresh(people)
    audit_record(actor=actor, action="delete", record_type="tag", record_id=pk, summary=name)
