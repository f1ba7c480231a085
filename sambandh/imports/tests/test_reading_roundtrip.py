"""Whatever a spreadsheet program writes (any of the delimiters, quotes, line breaks inside
cells, accents, the usual encodings) reads back cell for cell."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sambandh.imports.reading import open_table

# Letters with and without accents, spaces, quotes and line breaks; the file's own delimiter is
# added per example (the other candidates are left out: a cell full of semicolons in a comma
# file is a different file, and the sniffer may rightly read it so).
_ALPHABET = "abcXYZ éüñçÀØ'\"\r\n-.01"
_CELL = st.text(alphabet=_ALPHABET, max_size=12)
_HEADER = st.text(alphabet="abcdefghXYZ éü_-", min_size=1, max_size=10).map(str.strip)


@st.composite
def _files(draw):
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    headers = draw(st.lists(_HEADER.filter(bool), min_size=1, max_size=6, unique_by=str.casefold))
    cell = st.text(alphabet=_ALPHABET + delimiter, max_size=12)
    row = st.lists(cell, min_size=len(headers), max_size=len(headers)).filter(
        lambda cells: any(c.strip() for c in cells)
    )
    rows = draw(st.lists(row, min_size=1, max_size=8))
    return delimiter, encoding, headers, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_what_csv_writer_writes_reads_back_the_same(example):
    delimiter, encoding, headers, rows = example
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        table = open_table(path)
        read = [(row.number, row.values, row.error) for row in table.rows()]
        counted = table.count_rows()
    if len(headers) > 1:
        assert table.delimiter == delimiter
    assert table.headers == headers
    assert read == [
        (number, dict(zip(headers, cells, strict=True)), "")
        for number, cells in enumerate(rows, start=2)
    ]
    assert counted == len(rows)
