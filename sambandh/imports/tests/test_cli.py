"""`sambandh import`: the summary line, the report file, and the exit codes (0 when it ran, even
with rejected rows; 2 when the file cannot be read or an option is wrong)."""

from __future__ import annotations

import csv
import json

import pytest

from sambandh.cli import main
from sambandh.contacts.models import Person
from sambandh.core.models import AuditEvent
from sambandh.imports.models import ImportJob
from sambandh.imports.tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_csv(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Id,Name,Email\n1,Asha Rao,asha@example.com\n2,Bad,not-an-email\n")
    return path


def test_an_import_prints_its_counts_and_writes_its_report(capsys, owner, people_csv, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Name": "full_name", "Email": "email"}))
    code = main(
        [
            "import",
            str(people_csv),
            "--type",
            "people",
            "--mapping",
            str(mapping),
            "--external-id-column",
            "Id",
            "--user",
            owner.email,
        ]
    )
    out = capsys.readouterr().out.splitlines()
    job = ImportJob.objects.get()
    assert code == 0
    assert out[0] == (
        f"created 1, updated 0, merged 0, unchanged 0, rejected 1 (2 rows, import {job.pk}, done)"
    )
    report = f"{people_csv}.import-{job.pk}-report.csv"
    assert out[1] == f"report: {report}"
    with open(report, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [r[:2] for r in rows] == [["row", "outcome"], ["2", "created"], ["3", "rejected"]]
    assert set(
        AuditEvent.objects.filter(record_type="person", action="create").values_list(
            "source", flat=True
        )
    ) == {"import"}
    # Again, keyed on the external ids: nothing changes.
    assert (
        main(
            [
                "import",
                str(people_csv),
                "--type",
                "people",
                "--mapping",
                str(mapping),
                "--external-id-column",
                "Id",
                "--user",
                owner.email,
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith(
        "created 0, updated 0, merged 0, unchanged 1, rejected 1"
    )
    assert Person.objects.count() == 1


def test_a_dry_run_says_what_it_would_have_done(capsys, owner):
    code = main(
        [
            "import",
            str(FIXTURES / "basic_csv_addressbook.csv"),
            "--type",
            "people",
            "--preset",
            "thunderbird",
            "--dry-run",
            "--user",
            owner.email,
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.startswith("dry run: would have created 2, updated 0")
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "people", "--preset", "nope"], "preset"),
        (["--type", "people", "--external-id-column", "Nope"], "external_id_column"),
        (["--type", "people", "--user", "nobody@example.com"], "no user"),
    ],
)
def test_a_wrong_option_exits_2_and_writes_nothing(capsys, owner, people_csv, args, message):
    if "--user" not in args:
        args = [*args, "--user", owner.email]
    assert main(["import", str(people_csv), *args]) == 2
    assert message in capsys.readouterr().err
    assert not Person.objects.exists()


def test_a_file_that_cannot_be_read_exits_2(capsys, owner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["import", str(empty), "--type", "people", "--user", owner.email]) == 2
    assert "empty" in capsys.readouterr().err
    assert (
        main(["import", str(tmp_path / "missing.csv"), "--type", "people", "--user", owner.email])
        == 2
    )
    assert not Person.objects.exists()
