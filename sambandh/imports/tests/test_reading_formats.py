"""XLSX workbooks and vCard files, recognized from their bytes whatever their name."""

from __future__ import annotations

import datetime
from decimal import Decimal

from openpyxl import Workbook

from sambandh.imports.reading import VCARD_HEADERS, open_table
from sambandh.imports.tests.helpers import FIXTURES, filled, read, write


def _workbook(tmp_path, rows, name="people.csv"):
    # a spreadsheet saved under a misleading name: the bytes decide
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    other = workbook.create_sheet("Second")
    other.append(["Ignored"])
    path = tmp_path / name
    workbook.save(path)
    return path


def test_an_xlsx_first_sheet_is_read_with_dates_and_numbers_as_text(tmp_path):
    path = _workbook(
        tmp_path,
        [
            ["Name", "Born", "Employees", "Share", "Met", "Active", "Price"],
            ["Ann", datetime.date(1980, 1, 15), 250, 0.25, datetime.datetime(2024, 3, 1, 9, 30),
             True, Decimal("12.50")],
            [None, None, None, None, None, None, None],
            ["Bo", datetime.datetime(1990, 2, 3), 7.0, None, None, False, None],
        ],
    )  # fmt: skip
    table, rows = read(path)
    assert (table.format, table.encoding, table.delimiter) == ("xlsx", "", "")
    assert table.headers == ["Name", "Born", "Employees", "Share", "Met", "Active", "Price"]
    assert [(row.number, filled(row)) for row in rows] == [
        (
            2,
            {
                "Name": "Ann",
                "Born": "1980-01-15",
                "Employees": "250",
                "Share": "0.25",
                "Met": "2024-03-01T09:30:00",
                "Active": "TRUE",
                "Price": "12.5",
            },
        ),
        (4, {"Name": "Bo", "Born": "1990-02-03", "Employees": "7", "Active": "FALSE"}),
    ]
    assert table.count_rows() == 2
    assert [row.number for row in table.rows(after=2)] == [4]


def test_an_xlsx_with_only_a_header_or_nothing_is_refused(tmp_path):
    import pytest

    from sambandh.imports.reading import ImportFileError

    with pytest.raises(ImportFileError, match="no data rows"):
        open_table(_workbook(tmp_path, [["Name", "Email"]], "a.xlsx"))
    with pytest.raises(ImportFileError, match="empty"):
        open_table(_workbook(tmp_path, [], "b.xlsx"))


def test_thunderbirds_dos_vcard_is_read(tmp_path):
    # given Thunderbird's vCard test file, with DOS line ends as Thunderbird tests it
    text = (FIXTURES / "dos_vcard_addressbook.vcf").read_text(encoding="utf-8")
    path = write(tmp_path, text.replace("\r\n", "\n").replace("\n", "\r\n"), "book.csv")
    table, rows = read(path)
    assert table.format == "vcard"
    assert table.headers == VCARD_HEADERS
    assert [(row.number, filled(row), row.error) for row in rows] == [
        (
            1,
            {
                "Full name": "Name Surname",
                "Given name": "Name",
                "Family name": "Surname",
                "Email": "example@gmail.com",
            },
            "",
        )
    ]


VCARDS = (
    # 2.1 with quoted-printable (a soft line break inside a name) and bare types
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=\r\n=BCrgen;;Dr.;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Dr. J=C3=BCrgen M=C3=BCller\r\n"
    "TEL;CELL;VOICE:+49 151 1234567\r\nTEL;WORK:+49 30 123456\r\nTEL;FAX:+49 30 999\r\n"
    "EMAIL;INTERNET:jm@example.de\r\nEMAIL;PREF;INTERNET:juergen@example.de\r\n"
    "ADR;HOME:;;Hauptstr. 1;Berlin;;10115;Germany\r\n"
    "ORG:Acme GmbH;Sales\r\nTITLE:Manager\r\nBDAY:19800115\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0Asecond\r\nEND:VCARD\r\n"
    # 3.0 with a folded line, TYPE parameters and categories
    "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nN:Doe;Jane;Q.;;\n"
    "EMAIL;TYPE=INTERNET,WORK:jane@example.com\nTEL;TYPE=HOME:+1 555 0100\n"
    "ADR;TYPE=WORK:;Suite 5;1 Main St;Springfield;IL;62701;USA\n"
    "NOTE:a note that was\n  folded\nCATEGORIES:vip,press\nURL:https://jane.example\n"
    "UID:abc-123\nEND:VCARD\n"
    # a broken card between two good ones
    "BEGIN:VCARD\nVERSION:3.0\nN:Broken;;;\n:::no name here\nEND:VCARD\n"
    # 4.0 with a quoted type list, PREF=1 and a tel: URI
    "BEGIN:VCARD\nVERSION:4.0\nFN:Ravi Kumar\nN:Kumar;Ravi;;;\n"
    'TEL;TYPE="cell,voice";VALUE=uri:tel:+91-98765-43210\n'
    "EMAIL;PREF=1:ravi@example.in\nBDAY:--0704\nLANG:te\nEND:VCARD\n"
)


def test_vcard_versions_2_3_and_4_fill_the_fixed_columns(tmp_path):
    table, rows = read(write(tmp_path, VCARDS, "cards.txt"))
    assert table.count_rows() == 4
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert filled(rows[0]) == {
        "Full name": "Dr. Jürgen Müller",
        "Honorific prefix": "Dr.",
        "Given name": "Jürgen",
        "Family name": "Müller",
        "Email": "juergen@example.de",
        "Email 2": "jm@example.de",
        "Mobile phone": "+49 151 1234567",
        "Work phone": "+49 30 123456",
        "Fax": "+49 30 999",
        "Home street": "Hauptstr. 1",
        "Home city": "Berlin",
        "Home postal code": "10115",
        "Home country": "Germany",
        "Organization": "Acme GmbH",
        "Department": "Sales",
        "Job title": "Manager",
        "Birthday": "1980-01-15",
        "Note": "first\r\nsecond",
    }
    assert filled(rows[1]) == {
        "Full name": "Jane Doe",
        "Given name": "Jane",
        "Additional names": "Q.",
        "Family name": "Doe",
        "Email": "jane@example.com",
        "Home phone": "+1 555 0100",
        "Street": "1 Main St",
        "Street 2": "Suite 5",
        "City": "Springfield",
        "Region": "IL",
        "Postal code": "62701",
        "Country": "USA",
        "Note": "a note that was folded",
        "Categories": "vip, press",
        "Website": "https://jane.example",
        "UID": "abc-123",
    }
    assert rows[2].error.startswith("This card cannot be read: ")
    assert filled(rows[2]) == {}
    assert filled(rows[3]) == {
        "Full name": "Ravi Kumar",
        "Given name": "Ravi",
        "Family name": "Kumar",
        "Email": "ravi@example.in",
        "Mobile phone": "+91-98765-43210",
        "Birthday": "--07-04",
        "Language": "te",
    }
    assert [row.number for row in table.rows(after=3)] == [4]


def test_a_vcard_file_in_windows_1252_keeps_its_accents(tmp_path):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ñúñez\r\nN:Ñúñez;Zoë;;;\r\nEND:VCARD\r\n"
    table, rows = read(write(tmp_path, text.encode("cp1252"), "z.vcf"))
    assert (table.encoding, rows[0].values["Full name"]) == ("cp1252", "Zoë Ñúñez")
