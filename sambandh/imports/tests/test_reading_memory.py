"""Reading is streamed: a 200,000-row file is read with memory that does not grow with it."""

from __future__ import annotations

import tracemalloc

from sambandh.imports.reading import open_table

ROWS = 200_000


def test_a_200000_row_csv_is_read_in_a_few_mebibytes(tmp_path):
    # given a generated people CSV of 200,000 rows (about 17 MB)
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("External ID,First Name,Last Name,Email,Phone,City,Note\r\n")
        for n in range(ROWS):
            stream.write(
                f'P{n},Given{n},Family{n},person{n}@example.com,+91 98{n:08d},Pune,"a, b {n}"\r\n'
            )
    # when every row is read and counted, under tracemalloc
    tracemalloc.start()
    try:
        table = open_table(path)
        seen = 0
        last = None
        for row in table.rows():
            seen += 1
            last = row
        counted = table.count_rows()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then all rows came through, and the peak stayed under 4 MiB
    assert (seen, counted) == (ROWS, ROWS)
    assert last is not None and last.number == ROWS + 1
    assert last.values["Email"] == f"person{ROWS - 1}@example.com"
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MiB"
    print(f"200,000 rows: peak traced memory {peak / 1024 / 1024:.2f} MiB")
