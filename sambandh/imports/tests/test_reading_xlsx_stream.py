"""The streaming XLSX reader gives what openpyxl gives, and memory that does not grow."""

from __future__ import annotations

import datetime
import tracemalloc
import zipfile

from openpyxl import Workbook, load_workbook

from sambandh.imports.reading import open_table, xlsxstream
from sambandh.imports.reading.xlsx import cell_text


def _awkward(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Born", "Met", "Active", "ID", "Share", "Sum"])
    sheet.append(
        ["Ann", datetime.date(2020, 2, 29), datetime.datetime(2021, 1, 2, 3, 4, 5), True,
         1234567890123456, 0.1, "=1+1"]
    )  # fmt: skip
    sheet["H5"] = "far"
    sheet["A7"] = "Zoë"
    workbook.create_sheet("Other").append(["not read"])
    workbook.save(path)


def test_streamed_values_are_openpyxls(tmp_path):
    path = tmp_path / "awkward.xlsx"
    _awkward(path)
    with zipfile.ZipFile(path) as archive:
        ours = {
            number: [cell_text(v) for v in values]
            for number, values in xlsxstream.Workbook(archive).rows()
        }
    reference = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    theirs = {
        number: [cell_text(v) for v in values]
        for number, values in enumerate(reference.iter_rows(values_only=True), start=1)
    }
    # openpyxl pads rows to the sheet's width and yields blank rows; the values are the same
    for number, values in theirs.items():
        padded = ours.get(number, []) + [""] * (len(values) - len(ours.get(number, [])))
        assert padded == values, number
    assert ours[2] == ["Ann", "2020-02-29", "2021-01-02T03:04:05", "TRUE", "1234567890123456",
                       "0.1", ""]  # fmt: skip


def test_a_workbook_it_does_not_know_falls_back_to_openpyxl(tmp_path, monkeypatch):
    # given a layout the streaming reader refuses
    def refuse(archive):
        raise xlsxstream.Unsupported("test")

    monkeypatch.setattr(xlsxstream, "Workbook", refuse)
    path = tmp_path / "odd.xlsx"
    _awkward(path)
    # then openpyxl reads it, with the same values
    table = open_table(path)
    rows = list(table.rows())
    assert [(row.number, row.values["Name"], row.values["Born"]) for row in rows] == [
        (2, "Ann", "2020-02-29"),
        (5, "", ""),
        (7, "Zoë", ""),
    ]
    # row 5 holds only a cell beyond the header's columns
    assert rows[1].error == "This row has 8 fields but the header names 7 columns."
    assert table.count_rows() == 3


def test_a_20000_row_workbook_is_read_with_flat_memory(tmp_path):
    path = tmp_path / "big.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["External ID", "Email", "Phone"])
    for n in range(20_000):
        sheet.append([f"P{n}", f"p{n}@example.com", 9_800_000_000 + n])
    workbook.save(path)
    tracemalloc.start()
    try:
        table = open_table(path)
        seen = sum(1 for _row in table.rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 20_000
    # openpyxl's own read-only mode peaks near 3.6 MiB here and grows with every row
    assert peak < 1.5 * 1024 * 1024, f"peak {peak / 1024 / 1024:.2f} MiB"
