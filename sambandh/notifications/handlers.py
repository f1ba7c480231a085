"""What the worker tells users when events arrive (sambandh/events): a record assigned to them,
shared with them, a note that mentions them. Each notification is keyed by its event, so a
handler that runs again (a retry) tells nobody twice."""

from __future__ import annotations

from typing import Any

from sambandh.core import registry
from sambandh.events.handlers import subscribe
from sambandh.events.models import Event
from sambandh.notifications.models import Notification
from sambandh.notifications.services import notify


def _may_see(user_id: int, record_type: str, record_id: int | None) -> bool:
    from sambandh.accounts.models import User

    rt = registry.find(record_type)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if rt is None or rt.visible is None or user is None or record_id is None:
        return False
    return bool(rt.visible(user).filter(pk=record_id).exists())


def _tell(event: Event, user_id: int, kind: str, count: int = 0) -> None:
    """Notify ``user_id`` of ``event`` (its record and actor), once per event and user."""
    notify(
        user_id=user_id,
        kind=kind,
        key=f"event:{event.pk}",
        record_type=event.record_type,
        record_id=event.record_id,
        actor_id=event.actor_id,
        count=count,
    )


def on_assigned(event: Event) -> None:
    """``<type>.assigned``: the record (or task) now belongs to ``data.user_id``."""
    user_id = (event.data or {}).get("user_id")
    if isinstance(user_id, int):
        _tell(event, user_id, Notification.Kind.ASSIGNED)


def on_bulk_assigned(event: Event) -> None:
    """``<type>.bulk_assigned``: a bulk action gave ``data.count`` records to ``data.user_id``
    (one notification for the whole job)."""
    data = event.data or {}
    user_id, count = data.get("user_id"), data.get("count")
    if isinstance(user_id, int) and isinstance(count, int) and count > 0:
        _tell(event, user_id, Notification.Kind.ASSIGNED, count=count)


def _recipients(data: dict[str, Any]) -> list[int]:
    """The user a share names, or every member of the team it names."""
    from sambandh.accounts.models import TeamMembership

    users: set[int] = set()
    user_id, team_id = data.get("user_id"), data.get("team_id")
    if isinstance(user_id, int):
        users.add(user_id)
    if isinstance(team_id, int):
        users.update(
            TeamMembership.objects.filter(team_id=team_id).values_list("user_id", flat=True)
        )
    return sorted(users)


def on_shared(event: Event) -> None:
    """``<type>.shared``: with a user, or with every member of a team. A share made by a bulk
    action (``data.bulk_job_id``) tells nobody: its job's ``<type>.bulk_shared`` does, once."""
    data = event.data or {}
    if data.get("bulk_job_id") is not None:
        return
    for user_id in _recipients(data):
        _tell(event, user_id, Notification.Kind.SHARED)


def on_bulk_shared(event: Event) -> None:
    """``<type>.bulk_shared``: a bulk action shared ``data.count`` records with a user or a
    team (one notification for the whole job)."""
    data = event.data or {}
    count = data.get("count")
    if isinstance(count, int) and count > 0:
        for user_id in _recipients(data):
            _tell(event, user_id, Notification.Kind.SHARED, count=count)


def on_mentioned(event: Event) -> None:
    """``activity.mentioned``: each user a note names with @, when they may see the note."""
    for user_id in (event.data or {}).get("user_ids", []):
        if isinstance(user_id, int) and _may_see(user_id, event.record_type, event.record_id):
            _tell(event, user_id, Notification.Kind.MENTIONED)


def subscribe_all() -> None:
    """Subscribe the handlers to every record type's events (called once every type is
    registered: a type added later is told about without a line here)."""
    types = registry.record_types()
    subscribe(*(f"{rt.key}.assigned" for rt in types), name="notifications.assigned")(on_assigned)
    subscribe(*(f"{rt.key}.bulk_assigned" for rt in types), name="notifications.bulk_assigned")(
        on_bulk_assigned
    )
    subscribe(
        *(f"{rt.key}.shared" for rt in registry.shareable_types()), name="notifications.shared"
    )(on_shared)
    subscribe(
        *(f"{rt.key}.bulk_shared" for rt in registry.shareable_types()),
        name="notifications.bulk_shared",
    )(on_bulk_shared)
    subscribe("activity.mentioned", name="notifications.mentioned")(on_mentioned)
