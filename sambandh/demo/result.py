"""What loading the demo data says: its progress, what it wrote, and why it would not."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class DemoAlreadyLoaded(Exception):
    pass


@dataclass
class DemoResult:
    size: str
    users: int = 0
    teams: int = 0
    pipelines: int = 0
    organizations: int = 0
    people: int = 0
    deals: int = 0
    leads: int = 0
    activities: int = 0
    seconds: float = 0.0

    @classmethod
    def counted(cls, size: str) -> DemoResult:
        """What the database holds now, as the demo of ``size`` reports it."""
        from sambandh.accounts.models import Team, User
        from sambandh.activities.models import Activity
        from sambandh.contacts.models import Organization, Person
        from sambandh.sales.models import Deal, Lead, Pipeline

        return cls(
            size=size,
            users=User.objects.count(),
            teams=Team.objects.count(),
            pipelines=Pipeline.objects.count(),
            organizations=Organization.objects.count(),
            people=Person.objects.count(),
            deals=Deal.objects.count(),
            leads=Lead.objects.count(),
            activities=Activity.objects.count(),
        )

    def summary(self) -> str:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if k not in ("size", "seconds")]
        return f"demo {self.size}: {', '.join(parts)} in {self.seconds:.1f} s"


def write_line(stdout: Any, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        stdout.flush()
