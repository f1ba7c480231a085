"""Any bytes at all: the reader either refuses the file with its message or reads rows; it
never fails with anything else (an upload must never become a server error)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sambandh.imports.reading import ImportFileError, open_table

_PIECES = st.sampled_from(
    [
        b"Name,Email\r\n", b"a;b;c\n", b'"', b",", b";", b"\t", b"|", b"\n", b"\r", b"\x00",
        b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b"\x81", b"\xc3\xa9", b"BEGIN:VCARD\r\n",
        b"END:VCARD\r\n", b"N:Doe;Jane;;;\r\n", b"EMAIL;PREF:x@y.z\r\n", b"=C3=\r\n",
        b"PK\x03\x04", b"%PDF", b"sep=;\n", "名無し".encode("shift_jis"), b"x" * 40,
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.lists(_PIECES, max_size=30).map(b"".join)))
def test_any_bytes_are_refused_with_a_message_or_read(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            table = open_table(path)
        except ImportFileError as refused:
            assert refused.message
            return
        rows = list(table.rows())
        assert table.count_rows() == len(rows)
        for row in rows:
            assert set(row.values) == set(table.headers)
            assert all(
                isinstance(value, str) and "\x00" not in value for value in row.values.values()
            )
