"""@mentions in a note: "@Asha Rao" (a colleague's full name, as the composer's picker writes
it) or "@asha@example.com" names a user. A mention tells that user (sambandh/notifications),
if they may see the note."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from sambandh.accounts.models import User
from sambandh.events.log import record_event

#: An @ that starts a word (not the one inside an email address), and the words after it
#: (looked ahead, so that the next mention is found too).
_MENTION = re.compile(r"(?:^|(?<=[\s(\[{\"'.,;:!?]))@(?=([^\s@][^\n]{0,120}))")
_MAX_WORDS = 5


def _candidates(text: str) -> list[str]:
    """Each mention's possible names: its first one to five words (a name's last word may be
    followed by punctuation)."""
    found: list[str] = []
    for match in _MENTION.finditer(text or ""):
        words = match.group(1).split()
        # A mention ends where the next one starts.
        ends = [i for i, word in enumerate(words) if i and word.startswith("@")]
        words = words[: ends[0]] if ends else words
        for n in range(1, min(len(words), _MAX_WORDS) + 1):
            found.append(" ".join(words[:n]).rstrip(".,;:!?)]}\"'"))
    return [c for c in dict.fromkeys(found) if c]


def mentioned_users(text: str) -> set[int]:
    """The active users ``text`` mentions, by full name or email (one query, none without @).
    Of two names that both match at one place ("@Asha" and "@Asha Rao"), both are told only if
    both exist; a full name is what the picker writes."""
    candidates = _candidates(text)
    if not candidates:
        return set()
    lowered = [c.casefold() for c in candidates]
    match = Q()
    for candidate in candidates[:200]:
        match |= Q(full_name__iexact=candidate) | Q(email__iexact=candidate)
    users = User.objects.filter(match, is_active=True).values_list("pk", "full_name", "email")
    found: set[int] = set()
    for pk, name, email in users:
        if (name or "").casefold() in lowered or (email or "").casefold() in lowered:
            found.add(pk)
    return found


def record_mentions(*, actor: Any, activity: Any, before: str = "") -> None:
    """The event "activity.mentioned" for the users the note's text names now and did not
    name ``before`` (an edit tells only those it adds), the writer aside."""
    text = f"{activity.subject}\n{activity.body}"
    if "@" not in text:
        return
    added = mentioned_users(text) - (mentioned_users(before) if before else set())
    added.discard(getattr(actor, "pk", None))
    if added:
        record_event(
            type="activity.mentioned",
            record_type="activity",
            record_id=activity.pk,
            actor=actor,
            fields=["body"],
            data={"user_ids": sorted(added)},
        )
