"""The small demo's activities: notes, calls, meetings, emails and tasks on its records, and
the administrator's own tasks in every state."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from sambandh.accounts.visibility import can_see_owner
from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityIn
from sambandh.activities.services import activity_create, task_complete
from sambandh.core.audit_context import audit_context
from sambandh.demo import data
from sambandh.demo.common import days_ago
from sambandh.demo.result import write_line
from sambandh.demo.small.base import SmallDemoBase
from sambandh.demo.small.cast import MANAGER
from sambandh.sales.models import Deal


class SmallActivities(SmallDemoBase):
    """The activity steps, after the records they hang on (``records``)."""

    def activity_time(self, record_created: datetime | None) -> datetime:
        at = days_ago(self.rng, self.now, 365)
        if record_created is not None and at < record_created:
            span = max((self.now - record_created).total_seconds(), 60)
            at = record_created + timedelta(seconds=self.rng.uniform(0, span))
        return at.replace(microsecond=0)

    def activity_step(self, total: int, admin_tasks: int) -> None:
        rng = self.rng
        kinds = ["note"] * 25 + ["call"] * 27 + ["meeting"] * 13 + ["email"] * 20 + ["task"] * 15
        users_by_pk = self.users_by_pk
        manager = self.user(MANAGER[0])
        done_tasks: list[tuple[Activity, datetime]] = []
        backdate: list[tuple[Activity, datetime]] = []
        for _ in range(total - admin_tasks):
            roll = rng.random()
            person = deal = org = lead = None
            if roll < 0.6:
                person = rng.choice(self.people)
                target: Any = person
            elif roll < 0.85:
                deal = rng.choice(self.deals)
                target = deal
            elif roll < 0.95:
                org = rng.choice(self.orgs)
                target = org
            else:
                lead = rng.choice(self.leads)
                target = lead
            owner = users_by_pk[target.owner_id]
            if rng.random() < 0.07 and can_see_owner(manager, target.owner_id):
                owner = manager
            created = self.created_at.get((target.record_type, target.pk)) or getattr(
                target, "created_at", None
            )
            at = self.activity_time(created)
            kind = rng.choice(kinds)
            name = getattr(person, "full_name", "") or getattr(lead, "full_name", "") or ""
            org_name = (org.name if org else (deal.name.split(":")[0] if deal else "")) or name
            fill = {
                "name": name or org_name,
                "org": org_name or name,
                "topic": rng.choice(data.TOPICS),
                "n": rng.randint(2, 5),
            }
            fields: dict[str, Any] = {
                "kind": kind,
                "person_id": person.pk if person else None,
                "deal_id": deal.pk if deal else None,
                "organization_id": org.pk if org else None,
                "lead_id": lead.pk if lead else None,
                "occurred_at": at,
            }
            if kind == "note":
                fields["body"] = rng.choice(data.NOTE_BODIES).format(**fill)
            elif kind == "call":
                fields.update(
                    subject=rng.choice(data.CALL_SUBJECTS).format(**fill),
                    body=rng.choice(data.CALL_BODIES),
                    duration_seconds=rng.randint(45, 2400),
                    direction=rng.choice(["in", "out", "out"]),
                    outcome=rng.choice(data.CALL_OUTCOMES),
                )
            elif kind == "meeting":
                minutes = rng.choice([30, 45, 60, 90])
                fields.update(
                    subject=rng.choice(data.MEETING_SUBJECTS).format(**fill),
                    ends_at=at + timedelta(minutes=minutes),
                    duration_seconds=minutes * 60,
                )
            elif kind == "email":
                fields.update(
                    subject=rng.choice(data.EMAIL_SUBJECTS).format(**fill),
                    body=rng.choice(data.EMAIL_BODIES),
                    direction=rng.choice(["in", "out"]),
                )
            else:
                due = at + timedelta(days=rng.randint(1, 14))
                due = due.replace(hour=rng.choice([4, 6, 9, 11]), minute=0, second=0)
                fields.update(
                    subject=rng.choice(data.TASK_SUBJECTS).format(**fill),
                    due_at=due,
                    assignee_id=owner.pk,
                )
            with audit_context(at=at):
                activity = activity_create(actor=owner, data=ActivityIn.build(fields))
            backdate.append((activity, at))
            if (
                kind == "task"
                and activity.due_at
                and activity.due_at < self.now
                and rng.random() < 0.8
            ):
                done_tasks.append(
                    (activity, min(activity.due_at, self.now) - timedelta(hours=rng.randint(0, 48)))
                )
        self.admin_task_step(admin_tasks, backdate, done_tasks)
        for task, _done_at in done_tasks:
            task_complete(actor=users_by_pk.get(task.owner_id, self.admin), task=task)
        for task, done_at in done_tasks:
            Activity.objects.filter(pk=task.pk).update(done_at=max(done_at, task.occurred_at))
        for activity, at in backdate:
            Activity.objects.filter(pk=activity.pk).update(created_at=at, updated_at=at)
            self.created_at[("activity", activity.pk)] = at
        write_line(self.stdout, f"  {len(backdate)} activities ({len(done_tasks)} tasks done)")

    def admin_task_step(
        self,
        total: int,
        backdate: list[tuple[Activity, datetime]],
        done_tasks: list[tuple[Activity, datetime]],
    ) -> None:
        """Tasks for the admin: a few overdue, a few due today (in their zone), some ahead,
        some done, so "My tasks" shows every state."""
        rng = self.rng
        tz = zoneinfo.ZoneInfo(self.admin.time_zone or "UTC")
        local_now = self.now.astimezone(tz)
        end_of_day = local_now.replace(hour=23, minute=30, second=0)
        plan = ["overdue"] * 4 + ["today"] * 3 + ["later"] * 6 + ["done"] * 7
        plan = (plan * (total // len(plan) + 1))[:total]
        for state in plan:
            target: Any = rng.choice(self.deals) if rng.random() < 0.5 else rng.choice(self.people)
            name = getattr(target, "full_name", "") or target.name.split(":")[0]
            subject = rng.choice(data.TASK_SUBJECTS).format(
                name=name, org=name, topic=rng.choice(data.TOPICS), n=2
            )
            if state == "overdue":
                due = self.now - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            elif state == "today":
                span = max((end_of_day - local_now).total_seconds(), 60)
                due = (local_now + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)
                due = min(due, end_of_day.astimezone(UTC))
            elif state == "later":
                due = self.now + timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8))
            else:
                due = self.now - timedelta(days=rng.randint(1, 60))
            created = min(due, self.now) - timedelta(days=rng.randint(1, 10))
            key = "deal_id" if isinstance(target, Deal) else "person_id"
            task = activity_create(
                actor=self.admin,
                data=ActivityIn.build(
                    {
                        "kind": "task",
                        "subject": subject,
                        "due_at": due.replace(microsecond=0),
                        "assignee_id": self.admin.pk,
                        key: target.pk,
                        "occurred_at": created,
                    }
                ),
            )
            backdate.append((task, created))
            if state == "done":
                done_tasks.append((task, due - timedelta(hours=rng.randint(0, 30))))
