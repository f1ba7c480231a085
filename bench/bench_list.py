"""List page 1 against page 2,000: GET /api/v1/people?limit=50, walking the cursor to page 2,000
first (or to the last page of a smaller data set), then timing repeated fetches of each page's
URL on one connection. Keyset pagination should make them cost the same.

Target: page 2,000 no slower than 1.5 times page 1 (median latency).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bench.common import Context, Row, context, get, load, parser, print_table

PAGE = 2000
LIMIT = 50


def walk(ctx: Context, pages: int) -> tuple[str, int]:
    """The URL of page ``pages`` (or of the last page), and its number."""
    url = f"/api/v1/people?limit={LIMIT}"
    headers = ctx.auth(ctx.admin_token)
    for page in range(1, pages):
        status, body = get("127.0.0.1", ctx.api_port, url, headers)
        assert status == 200, (status, body[:200])
        cursor = json.loads(body)["next"]
        if cursor is None:
            return url, page
        url = f"/api/v1/people?{urlencode({'limit': LIMIT, 'cursor': cursor})}"
    return url, pages


def run(ctx: Context) -> list[Row]:
    args = ctx.args
    deep_url, deep_page = walk(ctx, PAGE)
    first_url = f"/api/v1/people?limit={LIMIT}"
    headers = ctx.auth(ctx.admin_token)
    duration = max(args.duration / 2, 2.0)
    first = load(
        ctx.api_port, lambda: first_url, headers=headers, connections=1, duration=duration, warmup=1
    )
    deep = load(
        ctx.api_port, lambda: deep_url, headers=headers, connections=1, duration=duration, warmup=1
    )
    ratio = deep.median / first.median
    return [
        Row(
            name=f"list page {deep_page:,} vs 1 ({ctx.label})",
            figure=f"page {deep_page:,}: p50 {deep.median:.1f} ms, p95 {deep.pct(95):.1f} ms",
            baseline=f"page 1: p50 {first.median:.1f} ms, p95 {first.pct(95):.1f} ms",
            ratio=ratio,
            target="ratio <= 1.5",
            passed=ratio <= 1.5,
            notes=f"admin, limit {LIMIT}, sort by name; {first.errors + deep.errors} errors",
        )
    ]


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "List pages")
