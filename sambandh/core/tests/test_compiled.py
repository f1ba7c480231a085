"""Compiled queries (core/compiled.py) answer what the ORM answers, for any values."""

from __future__ import annotations

import pytest
from django.db import connection

from sambandh.accounts.models import Role, User
from sambandh.accounts.services import record_share
from sambandh.accounts.visibility import placeholder_scope, scope_binding, scope_visible_q
from sambandh.contacts.models import Person
from sambandh.core.compiled import CompiledQuery
from sambandh.customfields.services import custom_field_create
from tests.factories import make_person, make_team, make_user

pytestmark = pytest.mark.django_db

people_named = CompiledQuery(
    lambda p: (
        Person.objects.filter(full_name=p.text("name"), owner_id=p.integer("owner"))
        .order_by("id")
        .values_list("id", "full_name", "created_at", "custom")
    )
)
people_by_ids = CompiledQuery(
    lambda p: Person.objects.filter(id__in=p.integers("ids")).order_by("id").values_list("id")
)


def test_rows_are_the_orms_rows_converted_the_same_way(owner, teammate, admin_user):
    # given people with the same name under two owners (one with a custom value)
    custom_field_create(
        actor=admin_user,
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    mine = make_person(owner, full_name="Asha", custom={"tier": "gold"})
    make_person(teammate, full_name="Asha")
    make_person(owner, full_name="Other")
    # when the compiled query runs for one name and owner
    rows = people_named.rows(name="Asha", owner=owner.pk)
    # then it answers exactly the ORM's rows, datetimes and JSON included
    orm = list(
        Person.objects.filter(full_name="Asha", owner_id=owner.pk)
        .order_by("id")
        .values_list("id", "full_name", "created_at", "custom")
    )
    assert rows == orm
    assert rows[0][0] == mine.pk
    assert rows[0][2].tzinfo is not None
    assert rows[0][3] == {"tier": "gold"}
    assert people_named.first(name="Nobody", owner=owner.pk) is None


def test_a_list_slot_compiles_once_per_length(owner):
    ids = [make_person(owner).pk for _ in range(4)]
    assert people_by_ids.rows(ids=ids[:1]) == [(ids[0],)]
    assert people_by_ids.rows(ids=ids[1:]) == [(i,) for i in ids[1:]]
    assert people_by_ids.rows(ids=[ids[3], ids[2], ids[1]]) == [(i,) for i in ids[1:]]
    lengths = sorted(key[2][1] for key in people_by_ids._cache)
    assert lengths == [1, 3]


def test_a_lookup_that_changes_its_value_cannot_be_a_slot(owner):
    contains = CompiledQuery(
        lambda p: Person.objects.filter(full_name__icontains=p.text("q")).values_list("id")
    )
    with pytest.raises(ValueError, match="only exact-value lookups"):
        contains.rows(q="as")


def test_a_bound_query_fills_only_its_open_slots(owner, teammate):
    a = make_person(owner, full_name="Same")
    make_person(teammate, full_name="Same")
    bound = people_named.bind(open=("name",), owner=owner.pk)
    assert bound.first(name="Same")[0] == a.pk
    assert bound.first(name="Missing") is None


def test_compiled_visibility_is_the_rule_itself(owner, teammate, outsider, manager, readonly, team):
    # given records across teams, a sub-team, shares with a user and with a team
    sub = make_team("Sales Hyderabad", parent=team)
    deep = make_user("sales_rep", email="deep@example.com", team=sub)
    admin = make_user("admin", email="boss@example.com")
    support = make_user("support_agent", email="help@example.com", team=sub)
    people = [make_person(u) for u in (owner, teammate, outsider, deep, admin, support)]
    record_share(actor=owner, record_type="person", record_id=people[0].pk, user=outsider)
    record_share(actor=deep, record_type="person", record_id=people[3].pk, team=sub)
    inactive = make_user("sales_rep", email="gone@example.com")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    check = CompiledQuery(
        lambda p: (
            Person.objects.filter(scope_visible_q(placeholder_scope(p, p.shape), "person"))
            .order_by("id")
            .values_list("id")
        )
    )
    for user in (owner, teammate, outsider, manager, readonly, deep, admin, support, inactive):
        # when visibility runs compiled, bound to the user's scope
        shape, values = scope_binding(user)
        expected = sorted(
            Person.objects.filter(scope_visible_q(_scope(user), "person")).values_list(
                "id", flat=True
            )
        )
        got = [row[0] for row in check.rows(shape, **values)] if shape.signed_in else []
        # then it sees exactly what the ORM's rule sees
        assert got == expected, user.email
    assert admin.role == Role.ADMIN


def _scope(user):
    from sambandh.accounts.visibility import scope_for

    return scope_for(user)


@pytest.mark.postgres
def test_postgres_prepares_a_compiled_statement_it_runs_often(owner):
    # given a compiled query run more often than psycopg's prepare threshold
    person = make_person(owner, full_name="Prepared")
    for _ in range(6):
        assert people_named.first(name="Prepared", owner=owner.pk)[0] == person.pk
    # then the server holds it as a prepared statement (planned once)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"contacts_person"."full_name" = $1%'],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres  # SQLite's check runs no statement
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_is_the_connection_check_skips_the_check_while_the_link_is_fine(
    owner, monkeypatch
):
    # given a request's start (Django's connection check not run yet) on a working connection
    person = make_person(owner, full_name="Checked")
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    # when the statement runs as the check
    row = people_named.first(name="Checked", owner=owner.pk, health_check="retry")
    # then it answered without a separate check, and counts as the request's check
    assert row[0] == person.pk
    assert checks == []
    assert connection.health_check_done is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_is_the_connection_check_reconnects_a_broken_link(owner):
    # given a request's start on a connection the server has since closed
    import psycopg
    from django.conf import settings

    person = make_person(owner, full_name="Reconnected")
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()
    backend = connection.connection.info.backend_pid
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    # when the statement runs as the check
    row = people_named.first(name="Reconnected", owner=owner.pk, health_check="retry")
    # then it ran again on a new connection and answered
    assert row[0] == person.pk
    assert connection.connection.info.backend_pid != backend
