"""Thunderbird's own import test files come out as its expected address book."""

from __future__ import annotations

import pytest

from sambandh.imports.mapping import auto_map, detect_preset
from sambandh.imports.reading import open_table
from sambandh.imports.tests.helpers import FIXTURES, expected_addressbook, write

#: Thunderbird's address-book property -> our target key.
PROPERTY = {
    "DisplayName": "full_name",
    "FirstName": "given_name",
    "LastName": "family_name",
    "PrimaryEmail": "email",
}


def _imported(path) -> list[dict[str, str]]:
    """What the engine would receive: each row's values under the target keys auto_map chose."""
    table = open_table(path)
    mapping = auto_map(table.headers, "people")
    return [
        {key: row.values[header] for header, key in mapping.items() if key and row.values[header]}
        for row in table.rows()
    ]


def _expected(entries) -> list[dict[str, str]]:
    return [{PROPERTY[name]: value for name, value in entry.items()} for entry in entries]


@pytest.mark.parametrize("name", ["basic_csv_addressbook.csv", "csv_semicolon.csv"])
def test_thunderbirds_csv_files_give_its_expected_address_book(name):
    assert _imported(FIXTURES / name) == _expected(expected_addressbook()["csv_import"])


def test_thunderbirds_csv_headers_are_recognized_as_its_export():
    table = open_table(FIXTURES / "basic_csv_addressbook.csv")
    assert detect_preset(table.headers, "people") == "thunderbird"
    mapping = auto_map(table.headers, "people")
    assert mapping["Birth Year"] == "birth_year"
    assert mapping["Work City"] == "city"
    assert mapping["Home City"] == "home_city"
    assert mapping["Mobile Number"] == "mobile_phone"


def test_thunderbirds_utf16_and_shift_jis_files_give_its_expected_people(tmp_path):
    [person] = expected_addressbook()["utf16_csv"]
    header = "First Name,Last Name,Display Name,Primary Email\r\n"
    row = ",".join(person[key] for key in ("FirstName", "LastName", "DisplayName", "PrimaryEmail"))
    path = write(tmp_path, (header + row + "\r\n").encode("utf-16"), "utf16.csv")
    assert _imported(path) == _expected([person])

    [japanese] = expected_addressbook()["shiftjis_csv"]
    text = f"Display Name,Primary Email\r\n{japanese['DisplayName']},{japanese['PrimaryEmail']}\r\n"
    path = write(tmp_path, text.encode("shift_jis"), "sjis.csv")
    assert _imported(path) == _expected([japanese])


def test_thunderbirds_vcard_gives_its_person():
    assert _imported(FIXTURES / "dos_vcard_addressbook.vcf") == [
        {
            "full_name": "Name Surname",
            "given_name": "Name",
            "family_name": "Surname",
            "email": "example@gmail.com",
        }
    ]
