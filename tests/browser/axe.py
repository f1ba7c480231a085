"""Running axe-core (vendored in ``vendor/axe.min.js``) in a Playwright page.

The pages' Content-Security-Policy allows scripts only from our origin or with the page's nonce,
so ``page.add_script_tag`` (an inline script) would be refused. A context's init script is
evaluated through the DevTools protocol, which the policy does not govern, so axe is installed
that way and every page keeps its real policy while it is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices; only serious and critical
# findings fail the test (BLOCKING).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")

# Two animation frames first: a state reached by a click (a drawer sliding in) is then laid out
# and painted, so axe reads what a person sees rather than a frame in between.
_RUN = """async (options) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    target: str
    page: str  # the page's name in the test's table
    url: str

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule} at {self.target} on {self.page} ({self.url})"


def install_axe(context: Any) -> None:
    """Load axe into every page the Playwright browser context opens from now on."""
    context.add_init_script(path=str(AXE_PATH))


#: Waits (up to 2 s) for the page's finite animations to end: a toast fading in or a panel
#: sliding in has, mid-way, colours and a place that are not its own.
_SETTLE = """() => Promise.race([
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))),
  new Promise(resolve => setTimeout(resolve, 2000)),
])"""


def axe_check(page: Any, name: str) -> list[Violation]:
    """Every serious or critical violation on the page as it is now (once its animations have
    ended), one per element."""
    page.evaluate(_SETTLE)
    found = page.evaluate(_RUN, AXE_OPTIONS)
    return [
        Violation(v["id"], v["impact"], v["help"], target, name, page.url)
        for v in found
        if v["impact"] in BLOCKING
        for target in v["targets"]
    ]


def report(violations: list[Violation]) -> str:
    """One message listing every violation, and a count per rule."""
    counts: dict[str, int] = {}
    for v in violations:
        counts[v.rule] = counts.get(v.rule, 0) + 1
    per_rule = ", ".join(f"{rule}: {n}" for rule, n in sorted(counts.items()))
    pages = len({(v.page, v.url) for v in violations})
    lines = [f"{len(violations)} serious or critical violations on {pages} pages ({per_rule})"]
    lines += [f"  {v}" for v in violations]
    return "\n".join(lines)
