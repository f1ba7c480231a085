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

    def summary(self) -> str:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if k not in ("size", "seconds")]
        return f"demo {self.size}: {', '.join(parts)} in {self.seconds:.1f} s"


def write_line(stdout: Any, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        stdout.flush()
