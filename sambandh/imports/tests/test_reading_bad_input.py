"""Files that cannot be imported as a whole: each refused with a clear, translated sentence."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils.translation import override

from sambandh.imports.reading import ImportFileError, open_table
from sambandh.imports.tests.helpers import write


def _refusal(tmp_path, data: bytes | str, name: str = "upload.csv") -> str:
    with pytest.raises(ImportFileError) as caught:
        open_table(write(tmp_path, data, name))
    assert str(caught.value) == caught.value.message
    return caught.value.message


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file_is_refused(tmp_path, data):
    assert _refusal(tmp_path, data) == "The file is empty."


@pytest.mark.parametrize("data", ["Name,Email\n", "Name,Email\r\n\r\n,\r\n", "Name\n"])
def test_a_file_with_only_a_header_is_refused(tmp_path, data):
    assert _refusal(tmp_path, data) == "The file has a header row but no data rows."


@pytest.mark.parametrize(
    "data", ["ann@example.com,Ann\nbo@example.com,Bo\n", "1,2,3\n4,5,6\n", ",,\n,,\n"]
)
def test_a_file_whose_first_row_is_data_has_no_header(tmp_path, data):
    message = _refusal(tmp_path, data)
    if data.startswith(",,"):
        assert message == "The file is empty."
    else:
        assert message.startswith("The first row must name the columns")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "a program"),
        (_zip({"word/document.xml": b"<w/>"}), "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "an old Excel (.xls) or Word file"),
        (b"Name,Email\nAnn\x00\x00\x01\x02,x\n" + bytes(range(256)) * 4, "a binary file"),
    ],
    ids=["pdf", "png", "elf", "zip", "xls", "nul-bytes"],
)
def test_a_binary_file_posing_as_csv_is_refused(tmp_path, data, kind):
    message = _refusal(tmp_path, data, "contacts.csv")
    assert message == (
        f"This is not a spreadsheet or a contacts file (it looks like {kind}). "
        "Upload a CSV, an XLSX or a vCard file."
    )


def test_random_control_bytes_without_nul_are_refused_as_binary(tmp_path):
    data = bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13)) * 200
    assert "(it looks like a binary file)" in _refusal(tmp_path, data)


def test_a_damaged_xlsx_is_refused(tmp_path):
    data = _zip({"xl/workbook.xml": b"<not a workbook", "[Content_Types].xml": b"<x"})
    assert _refusal(tmp_path, data, "book.xlsx") == (
        "The spreadsheet cannot be read: the XLSX file is damaged."
    )


def test_more_than_a_thousand_columns_is_refused(tmp_path):
    header = ",".join(f"c{n}" for n in range(1001))
    assert _refusal(tmp_path, f"{header}\n1\n") == (
        "The file has 1001 columns; at most 1000 can be imported."
    )
    # and exactly a thousand is fine
    header = ",".join(f"c{n}" for n in range(1000))
    assert len(open_table(write(tmp_path, f"{header}\n1\n", "ok.csv")).headers) == 1000


def test_a_vcard_cut_short_is_a_row_error(tmp_path):
    # given a file whose only card never ends
    table = open_table(write(tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\n", "cut.vcf"))
    # then it is a vCard table with one row that says it cannot be read
    [row] = list(table.rows())
    assert (table.format, row.number) == ("vcard", 1)
    assert row.error.startswith("This card cannot be read: ")


def test_a_file_that_cannot_be_opened_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="cannot be opened"):
        open_table(tmp_path / "missing.csv")


def test_the_refusal_is_in_the_readers_language(tmp_path):
    with override("fr"), pytest.raises(ImportFileError) as caught:
        open_table(write(tmp_path, b""))
    assert caught.value.message == "Le fichier est vide."


def test_a_nul_byte_far_into_a_text_file_is_refused(tmp_path):
    # past the first 64 KiB the format was recognized from: no database stores NUL in text
    data = b"Name,Email\n" + b"Ann,ann@example.com\n" * 5000 + b"Bo\x00,bo@example.com\n"
    assert "(it looks like a binary file)" in _refusal(tmp_path, data)


def test_a_giant_vcard_is_a_row_error_and_the_next_card_is_read(tmp_path):
    from sambandh.imports.reading.vcard import MAX_CARD

    note = "NOTE:" + "x" * 70 + "\n"
    giant = "BEGIN:VCARD\nVERSION:3.0\nFN:Big\n" + note * (MAX_CARD // 70) + "END:VCARD\n"
    small = "BEGIN:VCARD\nVERSION:3.0\nFN:Small\nEND:VCARD\n"
    table = open_table(write(tmp_path, giant + small, "cards.vcf"))
    first, second = table.rows()
    assert first.error == "This card is longer than 1000000 characters and was not read."
    assert (second.number, second.values["Full name"], second.error) == (2, "Small", "")


def test_a_nul_character_in_utf16_text_is_a_row_error_and_is_dropped(tmp_path):
    data = "Name,City\nAn\x00n,Pune\nBo,Goa\n".encode("utf-16")
    table = open_table(write(tmp_path, data))
    first, second = table.rows()
    assert first.values == {"Name": "Ann", "City": "Pune"}
    assert first.error == (
        "The value in column “Name” has characters that are not valid utf-16; "
        "check the file's encoding."
    )
    assert (second.values, second.error) == ({"Name": "Bo", "City": "Goa"}, "")
