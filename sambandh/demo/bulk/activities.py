"""The large demo's activities: millions of notes, calls, meetings, emails and tasks, and
their audit rows."""

from __future__ import annotations

import random
import time
from json.encoder import encode_basestring_ascii as json_string  # type: ignore[attr-defined]

from sambandh.activities.models import Activity
from sambandh.core.models import AuditEvent
from sambandh.demo import data
from sambandh.demo.bulk.base import LargeDemoBase
from sambandh.demo.bulk.columns import ACTIVITY_COLUMNS, AUDIT_COLUMNS


class ActivityTexts:
    """Pre-formatted subjects and bodies, so ten million rows cost little to phrase."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        fill = {"org": "{org}", "topic": "{topic}", "n": 2, "name": "{name}"}
        self.topics = data.TOPICS
        self.templates = {
            "call": [s.format(**fill) for s in data.CALL_SUBJECTS],
            "meeting": [s.format(**fill) for s in data.MEETING_SUBJECTS],
            "email": [s.format(**fill) for s in data.EMAIL_SUBJECTS],
            "task": [s.format(**fill) for s in data.TASK_SUBJECTS],
            "note": [s.format(**fill) for s in data.NOTE_BODIES],
        }

    def pick(self, kind: str, name: str) -> tuple[str, str, int | None, str, str]:
        rng = self.rng
        who = name or "the customer"
        text = rng.choice(self.templates[kind]).format(
            name=who, org=who, topic=rng.choice(self.topics)
        )
        if kind == "note":
            return "", text, None, "", ""
        if kind == "call":
            return (
                text,
                rng.choice(data.CALL_BODIES),
                rng.randint(45, 2400),
                rng.choice(["in", "out", "out"]),
                rng.choice(data.CALL_OUTCOMES),
            )
        if kind == "meeting":
            return text, "", rng.choice([30, 45, 60, 90]) * 60, "", ""
        if kind == "email":
            return text, rng.choice(data.EMAIL_BODIES), None, rng.choice(["in", "out"]), ""
        return text, "", None, "", ""


class ActivityRows(LargeDemoBase):
    """The activities step, last: on the people, deals and leads written before."""

    def activities(self) -> None:
        db, rng = self.db, self.rng
        total, people = self.n["activities"], len(self.person_ids)
        if not people:
            return
        ids = {m: db.next_id(m) for m in (Activity, AuditEvent)}
        now_ts = int(self.now.timestamp())
        year = 365 * 86400
        kinds = ["note"] * 25 + ["call"] * 27 + ["meeting"] * 13 + ["email"] * 20 + ["task"] * 15
        texts = ActivityTexts(rng)
        random_ = rng.random
        ts = db.ts
        person_ids, person_owner, person_org = self.person_ids, self.person_owner, self.person_org
        person_created, person_name = self.person_created, self.person_name
        deal_rows, lead_rows = self.deal_rows, self.lead_rows
        for start in range(0, total, self.batch):
            rows, audits = [], []
            for a in range(start, min(start + self.batch, total)):
                p = a * people // total  # people in order, about total/people each
                roll = random_()
                person_id = deal_id = lead_id = None
                if roll < 0.8 or not deal_rows:
                    person_id = person_ids[p]
                    owner_id = person_owner[p]
                    org_id = person_org[p] or None
                    since = person_created[p]
                    name = person_name[p]
                elif roll < 0.95 or not lead_rows:
                    deal_id, owner_id, org_id, _person, since = deal_rows[p % len(deal_rows)]
                    name = ""
                else:
                    lead_id, owner_id, name, since = lead_rows[p % len(lead_rows)]
                    org_id = None
                at = now_ts - int(random_() ** 1.3 * year)
                if at < since:
                    at = int(since + random_() * (now_ts - since))
                kind = kinds[int(random_() * 100)]
                subject, body, duration, direction, outcome = texts.pick(kind, name)
                at_text = ts(at)
                ends = due = done = None
                assignee = None
                version = 1
                updated = at_text
                if kind == "meeting":
                    ends = ts(at + (duration or 0))
                elif kind == "task":
                    assignee = owner_id
                    due_at = at + 86400 * (1 + int(random_() * 14))
                    due = ts(due_at)
                    if due_at < now_ts and random_() < 0.8:
                        done_at = max(min(due_at, now_ts) - int(random_() * 172800), at)
                        done = ts(done_at)
                        version, updated = 2, done
                rows.append(
                    (
                        ids[Activity],
                        at_text,
                        updated,
                        owner_id,
                        version,
                        "{}",
                        kind,
                        subject,
                        body,
                        at_text,
                        ends,
                        duration,
                        direction,
                        outcome,
                        due,
                        assignee,
                        done,
                        None,  # pinned_at
                        person_id,
                        org_id,
                        deal_id,
                        lead_id,
                    )
                )
                # As activities.services.activity_create's (and task_complete's) audit rows:
                # {"kind": [None, kind], "subject": [None, subject]}, written out for speed.
                audits.append(
                    (
                        ids[AuditEvent],
                        at_text,
                        owner_id,
                        "create",
                        "activity",
                        ids[Activity],
                        f'{{"kind": [null, "{kind}"], "subject": [null, {json_string(subject)}]}}',
                        2,
                        "",
                        self.audit_source,
                        None,
                    )
                )
                ids[AuditEvent] += 1
                if done is not None:
                    iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(done_at))
                    audits.append(
                        (
                            ids[AuditEvent],
                            done,
                            owner_id,
                            "update",
                            "activity",
                            ids[Activity],
                            f'{{"done_at": [null, "{iso}"]}}',
                            2,
                            "",
                            self.audit_source,
                            None,
                        )
                    )
                    ids[AuditEvent] += 1
                ids[Activity] += 1
            self.write({Activity: (ACTIVITY_COLUMNS, rows), AuditEvent: (AUDIT_COLUMNS, audits)})
            done_count = min(start + self.batch, total)
            if done_count % (self.batch * 10) == 0 or done_count == total:
                self.say(f"activities {done_count:,}/{total:,}")
