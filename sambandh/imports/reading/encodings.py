"""Decoding helpers: Windows-1252 that never fails, and the repair of UTF-8 cells in a file
that had to be read as Windows-1252 because a few of its bytes were not UTF-8."""

from __future__ import annotations

import codecs

#: Decoding and encoding Windows-1252's five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) as
#: the C1 controls of the same number, as browsers do, so no byte is lost; a cell holding one is
#: marked as undecodable by the row builder.
LENIENT = "sambandh-c1"


def _lenient(error: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return chr(byte), error.start + 1
    if isinstance(error, UnicodeEncodeError):
        char = error.object[error.start]
        if "\x80" <= char <= "\x9f":
            return bytes([ord(char)]), error.start + 1
    raise error


codecs.register_error(LENIENT, _lenient)


def errors_for(encoding: str) -> str:
    if encoding == "cp1252":
        return LENIENT
    if encoding.startswith("utf-16"):
        return "replace"
    return "strict"


def repair(cell: str) -> str:
    """A cell of a mixed file that was UTF-8 read as Windows-1252 ("MÃ¼ller"), put back
    ("Müller"); a cell that really was Windows-1252 ("Müller") does not re-decode and stays."""
    if cell.isascii():
        return cell
    try:
        return cell.encode("cp1252", errors=LENIENT).decode("utf-8")
    except UnicodeError:
        return cell
