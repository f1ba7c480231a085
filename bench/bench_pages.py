"""Every web page a user works in, as the sales rep and as the administrator: one request at a
time on one connection (a person clicking), repeated, through the real server with a signed-in
session.

Target: every page's p95 under 150 ms. Baseline: the same server's /health.
"""

from __future__ import annotations

from typing import Any

from bench.common import Context, Result, Row, context, parser, print_table, sequential

REPEAT = 20
WARM = 5  # the first requests compile the worker's queries and templates


def session_cookie(user: Any) -> dict[str, str]:
    """A signed-in session for ``user``, as logging in makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    # The configured session store (the security app's, which lists a user's sessions).
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend the login page signs in with: a session naming any other is anonymous.
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"Cookie": f"sessionid={session.session_key}"}


def _records(user: Any) -> dict[str, int]:
    """One busy record of each kind the user may see: the pages show their timelines."""
    from django.db.models import Count

    from sambandh.activities.models import Activity
    from sambandh.contacts.selectors import organizations_visible, people_visible
    from sambandh.sales.selectors import deals_visible, leads_visible

    person = (
        Activity.objects.filter(person__in=people_visible(user).values("id")[:2000])
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    org = (
        organizations_visible(user).annotate(n=Count("people")).order_by("-n").values("id").first()
    )
    deal = deals_visible(user).order_by("-updated_at").values("id").first()
    lead = leads_visible(user).order_by("-created_at").values("id").first()
    return {
        "person": person["person_id"] if person else 0,
        "organization": org["id"] if org else 0,
        "deal": deal["id"] if deal else 0,
        "lead": lead["id"] if lead else 0,
    }


def pages(user: Any) -> list[str]:
    ids = _records(user)
    found = [
        "/",
        "/people/",
        "/people/?sort=-updated",
        f"/people/{ids['person']}/",
        f"/people/{ids['person']}/edit/",
        "/organizations/",
        f"/organizations/{ids['organization']}/",
        "/deals/",
        "/deals/list/",
        f"/deals/{ids['deal']}/",
        "/leads/",
        f"/leads/{ids['lead']}/",
        "/tasks/",
        "/search/?q=Priya",
        f"/account/shares/person/{ids['person']}/",
        "/account/",
    ]
    if user.is_admin:
        found += [
            "/settings/users/",
            "/settings/teams/",
            "/settings/pipelines/",
            "/settings/fields/?type=person",
        ]
    return found


def run(ctx: Context) -> list[Row]:
    rows = []
    health = sequential(ctx.api_port, ["/health"] * 20, repeat=REPEAT)
    for who, user in (("rep", ctx.rep), ("admin", ctx.admin)):
        headers = session_cookie(user)
        for path in pages(user):
            timed = sequential(ctx.api_port, [path], headers=headers, repeat=WARM + REPEAT)
            result = Result(
                requests=timed.requests, errors=timed.errors, latencies=timed.latencies[WARM:]
            )
            p95 = result.pct(95)
            rows.append(
                Row(
                    name=f"{path}, {who} ({ctx.label})",
                    figure=f"p50 {result.median:.1f} ms, p95 {p95:.1f} ms",
                    baseline=f"/health p95 {health.pct(95):.2f} ms",
                    ratio=p95 / health.pct(95),
                    target="p95 < 150 ms",
                    passed=p95 < 150 and result.errors == 0,
                    notes=f"{result.errors} errors",
                )
            )
    return rows


if __name__ == "__main__":
    arguments = parser(__doc__ or "").parse_args()
    with context(arguments) as ctx:
        print_table(run(ctx), "Pages")
