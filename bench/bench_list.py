"""List page 1 against page 2,000: GET /api/v1/people?limit=50 with the cursor of page 2,000 (or
of the last page of a smaller data set), timing repeated fetches of each page's URL on one
connection. Keyset pagination should make them cost the same.

The deep cursor is the sort key of the last row of page 1,999, read from the selector's order
(walking 2,000 pages through the API costs 2,000 deep reads: over an hour on SQLite while deep
pages are slow); the first pages' cursors are walked through the API and must match.

Measured as the admin (every person) and as the sales rep of the other benchmarks, whose list is
the merge of the people they own and those shared with them (core/pagination.py): their deep
page is page 2,000 or their last one.

Target: page 2,000 no slower than 1.5 times page 1 (median latency).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from bench.common import Context, Row, context, get, load, parser, print_table

PAGE = 2000
LIMIT = 50


def api_cursors(ctx: Context, token: str, pages: int) -> list[str | None]:
    """The ``next`` cursors the API answers for pages 1..``pages``, walking them."""
    url = f"/api/v1/people?limit={LIMIT}"
    cursors: list[str | None] = []
    for _page in range(pages):
        status, body = get("127.0.0.1", ctx.api_port, url, ctx.auth(token))
        assert status == 200, (status, body[:200])
        cursor = json.loads(body)["next"]
        cursors.append(cursor)
        if cursor is None:
            break
        url = f"/api/v1/people?{urlencode({'limit': LIMIT, 'cursor': cursor})}"
    return cursors


def cursor_after(user: Any, page: int) -> str | None:
    """The cursor the API gives at the end of ``page``: the sort key of its last row (the list
    sorts by name, then id). Walking 2,000 pages through the API takes as long as 2,000 deep
    reads, which is minutes on a slow plan, so the deep cursor is computed from the same
    selector's order instead; ``run`` checks the method against the API's own first cursors."""
    from sambandh.contacts.selectors import people_visible
    from sambandh.core.pagination import encode_cursor

    rows = people_visible(user).order_by("full_name", "id").values_list("full_name", "id")
    last = rows[page * LIMIT - 1 : page * LIMIT]
    return encode_cursor(list(last[0])) if last else None


def deep_page(user: Any, pages: int) -> tuple[str, int]:
    """The URL of page ``pages`` (or of the last page of a smaller data set), and its number."""
    from sambandh.contacts.selectors import people_visible

    total = people_visible(user).count()
    page = max(1, min(pages, (total - 1) // LIMIT + 1))
    if page == 1:
        return f"/api/v1/people?limit={LIMIT}", 1
    cursor = cursor_after(user, page - 1)
    return f"/api/v1/people?{urlencode({'limit': LIMIT, 'cursor': cursor})}", page


def measure(ctx: Context, who: str, user: Any, token: str) -> Row:
    args = ctx.args
    walked = api_cursors(ctx, token, 3)
    computed = [cursor_after(user, page) for page in range(1, len(walked) + 1)]
    assert walked == computed, f"the computed cursors differ from the API's ({who})"
    deep_url, deep_number = deep_page(user, PAGE)
    first_url = f"/api/v1/people?limit={LIMIT}"
    headers = ctx.auth(token)
    duration = max(args.duration / 2, 2.0)
    first = load(
        ctx.api_port, lambda: first_url, headers=headers, connections=1, duration=duration, warmup=1
    )
    deep = load(
        ctx.api_port, lambda: deep_url, headers=headers, connections=1, duration=duration, warmup=1
    )
    ratio = deep.median / first.median
    return Row(
        name=f"list page {deep_number:,} vs 1, {who} ({ctx.label})",
        figure=f"page {deep_number:,}: p50 {deep.median:.1f} ms, p95 {deep.pct(95):.1f} ms",
        baseline=f"page 1: p50 {first.median:.1f} ms, p95 {first.pct(95):.1f} ms",
        ratio=ratio,
        target="ratio <= 1.5",
        passed=ratio <= 1.5,
        notes=f"limit {LIMIT}, sort by name; {first.errors + deep.errors} errors",
    )


def run(ctx: Context) -> list[Row]:
    return [
        measure(ctx, "admin", ctx.admin, ctx.admin_token),
        measure(ctx, "rep", ctx.rep, ctx.rep_token),
    ]


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "List pages")
