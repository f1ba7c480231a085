"""Activity and task lists are read along their indexes, whatever the table's size: on ten
million activities, a sort of every visible row takes minutes (bench/README.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from sambandh.activities import selectors
from sambandh.core.listing import ListQuery
from tests.factories import make_activity, make_person

pytestmark = pytest.mark.django_db


def plan_of(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A few test rows are cheaper to sort than to index; ask which index it can use.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.fixture
def activities(owner):
    person = make_person(owner, full_name="Asha")
    for n in range(3):
        make_activity(owner, "note", person_id=person.pk, subject=f"note {n}")
        make_activity(owner, "task", person_id=person.pk, subject=f"task {n}")
    return person


@pytest.mark.parametrize("who", ["owner", "admin_user"])
def test_the_newest_first_list_walks_its_index(request, activities, who):
    viewer = request.getfixturevalue(who)
    qs = selectors.activities_visible(viewer).order_by("-occurred_at", "-id")[:51]
    sql, params = qs.query.sql_with_params()
    assert "activity_occurred_idx" in plan_of(sql, params)
    assert "TEMP B-TREE" not in plan_of(sql, params)


@pytest.mark.parametrize("who", ["owner", "admin_user"])
def test_the_task_list_by_due_date_walks_its_index(request, activities, queries, who):
    viewer = request.getfixturevalue(who)
    with queries() as ctx:
        page = selectors.task_list(viewer=viewer, query=ListQuery(limit=50))
    assert len(page.items) == 3
    sql = next(
        q["sql"] for q in ctx.captured_queries if "COALESCE" in q["sql"] and "LIMIT" in q["sql"]
    )
    # the due-date expression is written as the index was built, so the index serves it
    assert "activity_task_due_idx" in plan_of(sql, ())
