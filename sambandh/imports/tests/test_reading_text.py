"""CSV text in any encoding and delimiter, detected from the bytes."""

from __future__ import annotations

import codecs

import pytest

from sambandh.imports.reading import open_table
from sambandh.imports.tests.helpers import expected_addressbook, filled, read, write

ACCENTS = "Name,City\nMüller,Köln\nÑúñez,Málaga\nZoë,Besançon\n"


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-16"), "utf-16"),
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"),
        (lambda text: text.encode("utf-16-le"), "utf-16-le"),
        (lambda text: text.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["bom-le", "bom-be", "no-bom-le", "no-bom-be"],
)
def test_a_utf16_file_is_read_with_or_without_its_byte_order_mark(tmp_path, encode, encoding):
    # given Thunderbird's expected UTF-16 address book written as a CSV
    [person] = expected_addressbook()["utf16_csv"]
    text = "First Name,Last Name,Display Name,Primary Email\r\n" + ",".join(
        [person["FirstName"], person["LastName"], person["DisplayName"], person["PrimaryEmail"]]
    )
    # when it is read
    table, rows = read(write(tmp_path, encode(text + "\r\n")))
    # then the encoding is found and the values come out whole
    assert (table.format, table.encoding, table.delimiter) == ("csv", encoding, ",")
    assert [filled(row) for row in rows] == [
        {
            "First Name": "John",
            "Last Name": "Doe",
            "Display Name": "John Doe",
            "Primary Email": "johndoe@host.invalid",
        }
    ]


def test_a_shift_jis_file_is_read_as_japanese(tmp_path):
    [person] = expected_addressbook()["shiftjis_csv"]
    text = f"Display Name,Primary Email\r\n{person['DisplayName']},{person['PrimaryEmail']}\r\n"
    table, rows = read(write(tmp_path, text.encode("shift_jis")))
    assert table.encoding == "shift_jis"
    assert filled(rows[0]) == {
        "Display Name": "名無しの権兵衛",
        "Primary Email": "名無しの権兵衛@host.invalid",
    }


def test_a_windows_1252_file_keeps_its_accents(tmp_path):
    table, rows = read(write(tmp_path, ACCENTS.encode("cp1252")))
    assert table.encoding == "cp1252"
    assert [(row.values["Name"], row.values["City"], row.error) for row in rows] == [
        ("Müller", "Köln", ""),
        ("Ñúñez", "Málaga", ""),
        ("Zoë", "Besançon", ""),
    ]


def test_windows_1252_accents_that_happen_to_decode_as_shift_jis_are_not_japanese(tmp_path):
    # given Spanish and French words whose accented letters, followed by a Latin letter, are
    # valid Shift_JIS byte pairs ("á" + "l" in Málaga decodes as one kanji)
    text = "Name,City\nPérez,Málaga\nMéndez,Cáceres\nGarçon,Besançon\n"
    assert text.encode("cp1252").decode("shift_jis")  # the trap is real
    # then the file is still read as Windows-1252
    table, rows = read(write(tmp_path, text.encode("cp1252")))
    assert table.encoding == "cp1252"
    assert [row.values["City"] for row in rows] == ["Málaga", "Cáceres", "Besançon"]


@pytest.mark.parametrize("text", ["Name\nÀ\n", "Name\nRenée\n"])
def test_a_short_windows_1252_file_that_decodes_as_shift_jis_is_not_japanese(tmp_path, text):
    # "À" is a half-width katakana in Shift_JIS, "ée" a kanji (found by the round-trip test)
    table, rows = read(write(tmp_path, text.encode("cp1252")))
    assert (table.encoding, rows[0].values["Name"]) == ("cp1252", text.split("\n")[1])


def test_japanese_mixed_with_latin_text_is_still_japanese(tmp_path):
    text = (
        "Name,Company,Email\n"
        "山田太郎,ACME株式会社,taro@example.jp\n"
        "鈴木 花子,Sony,hanako@example.jp\n"
    )
    table, rows = read(write(tmp_path, text.encode("shift_jis")))
    assert table.encoding == "shift_jis"
    assert [row.values["Company"] for row in rows] == ["ACME株式会社", "Sony"]


@pytest.mark.parametrize(("bom", "encoding"), [(b"", "utf-8"), (codecs.BOM_UTF8, "utf-8-sig")])
def test_utf8_is_read_with_or_without_a_bom(tmp_path, bom, encoding):
    table, rows = read(write(tmp_path, bom + ACCENTS.encode("utf-8")))
    assert table.encoding == encoding
    # the BOM does not stick to the first header
    assert table.headers == ["Name", "City"]
    assert rows[0].values == {"Name": "Müller", "City": "Köln"}


def test_a_utf8_file_with_one_windows_1252_byte_is_read_without_losing_either(tmp_path):
    # given a UTF-8 export with one row pasted from a Windows-1252 file
    data = "Name,City\nMüller,Köln\n".encode() + "Zoë,Besançon\n".encode("cp1252")
    # when it is read
    table, rows = read(write(tmp_path, data))
    # then strict UTF-8 failed, so it is read as Windows-1252, and the UTF-8 cells are put back
    assert table.encoding == "cp1252"
    assert [row.values for row in rows] == [
        {"Name": "Müller", "City": "Köln"},
        {"Name": "Zoë", "City": "Besançon"},
    ]


def test_a_utf8_mark_on_a_file_with_windows_1252_bytes_reads_both(tmp_path):
    data = codecs.BOM_UTF8 + "Name,City\nMüller,Köln\n".encode() + "Zoë,Besançon\n".encode("cp1252")
    table, rows = read(write(tmp_path, data))
    assert (table.encoding, table.headers) == ("cp1252", ["Name", "City"])
    assert [row.values["Name"] for row in rows] == ["Müller", "Zoë"]


def test_a_byte_that_no_encoding_explains_is_a_row_error(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8
    table, rows = read(write(tmp_path, b"Name,City\nAna,Lima\nBad\x81Name,Oslo\n"))
    assert rows[0].error == ""
    assert (rows[1].number, rows[1].values) == (3, {"Name": "Bad\x81Name", "City": "Oslo"})
    assert rows[1].error == (
        "The value in column “Name” has characters that are not valid cp1252; "
        "check the file's encoding."
    )


@pytest.mark.parametrize(
    ("delimiter", "text"),
    [
        (",", 'Name,Note\n"Doe, Jane","a, b"\nJohn,c\n'),
        (";", "Name;Note\nJane;a, b, c\nJohn;d,e\n"),
        ("\t", "Name\tNote\nJane\ta;b\nJohn\tc\n"),
        ("|", "Name|Note\nJane|a,b;c\nJohn|d\n"),
    ],
    ids=["comma", "semicolon", "tab", "pipe"],
)
def test_the_delimiter_is_sniffed_outside_quotes(tmp_path, delimiter, text):
    table, rows = read(write(tmp_path, text))
    assert table.delimiter == delimiter
    assert table.headers == ["Name", "Note"]
    assert len(rows) == 2 and all(row.error == "" for row in rows)


def test_excels_sep_line_names_the_delimiter_and_is_not_the_header(tmp_path):
    table, rows = read(write(tmp_path, "sep=;\r\nName;Note\r\nJane;a, b\r\n"))
    assert (table.delimiter, table.headers) == (";", ["Name", "Note"])
    assert [(row.number, row.values) for row in rows] == [(3, {"Name": "Jane", "Note": "a, b"})]


def test_quoted_fields_may_span_lines_and_rows_are_numbered_like_a_spreadsheet(tmp_path):
    # given a note over three lines, a blank line, and Windows line ends
    text = 'Name,Note\r\nJane,"line one\r\nline two, still\r\nline three"\r\n\r\nJohn,short\r\n'
    table, rows = read(write(tmp_path, text))
    # then the note is one cell and the rows keep the numbers a spreadsheet shows
    assert [(row.number, row.values["Name"]) for row in rows] == [(2, "Jane"), (4, "John")]
    assert rows[0].values["Note"] == "line one\r\nline two, still\r\nline three"
    assert table.count_rows() == 2


def test_rows_resume_after_a_row_number_and_can_be_read_again(tmp_path):
    lines = "".join(f"p{n},p{n}@example.com\n" for n in range(2, 12))
    table = open_table(write(tmp_path, "Name,Email\n" + lines))
    assert [row.number for row in table.rows(after=8)] == [9, 10, 11]
    assert [row.values["Name"] for row in table.rows()][:2] == ["p2", "p3"]
    assert table.count_rows() == 10


def test_duplicate_and_blank_headers_get_unique_names(tmp_path):
    table, rows = read(write(tmp_path, "Email,,Email,Name,email\na@x.org,b,c@x.org,Ann,d@x.org\n"))
    assert table.headers == ["Email", "Column 2", "Email (2)", "Name", "email (3)"]
    assert rows[0].values == {
        "Email": "a@x.org",
        "Column 2": "b",
        "Email (2)": "c@x.org",
        "Name": "Ann",
        "email (3)": "d@x.org",
    }


def test_a_short_row_is_filled_with_blanks_and_a_long_one_is_a_row_error(tmp_path):
    table, rows = read(write(tmp_path, "A,B,C\n1\n1,2,3,4\n1,2,3,,\n"))
    assert [(row.number, row.values, row.error) for row in rows] == [
        (2, {"A": "1", "B": "", "C": ""}, ""),
        (
            3,
            {"A": "1", "B": "2", "C": "3"},
            "This row has 4 fields but the header names 3 columns.",
        ),
        # trailing empty fields, as spreadsheets write them, are not an error
        (4, {"A": "1", "B": "2", "C": "3"}, ""),
    ]


def test_a_cell_over_the_limit_is_left_out_of_its_row(tmp_path):
    giant = "x" * 100_001
    table, rows = read(write(tmp_path, f"Name,Note,City\nAnn,{giant},Pune\nBo,ok,Goa\n"))
    assert rows[0].values == {"Name": "Ann", "Note": "", "City": "Pune"}
    assert rows[0].error == (
        "The value in column “Note” is longer than 100000 characters and was left out."
    )
    assert (rows[1].values["Note"], rows[1].error) == ("ok", "")


def test_a_cell_exactly_at_the_limit_is_kept(tmp_path):
    table, rows = read(write(tmp_path, f"Name,Note\nAnn,{'y' * 100_000}\n"))
    assert (len(rows[0].values["Note"]), rows[0].error) == (100_000, "")
