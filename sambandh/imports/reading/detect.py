"""What a file is, from its bytes (never its name): its format, text encoding and delimiter.

Encodings, in order: a byte-order mark (UTF-8, UTF-16 LE/BE); UTF-16 without a mark (every
other byte NUL); strict UTF-8 over the whole file; Shift_JIS/cp932 when the whole file decodes
cleanly and reads as Japanese; otherwise Windows-1252, which decodes any byte. A file that is
UTF-8 with a few Windows-1252 bytes (two exports pasted together) fails strict UTF-8 and is read
as Windows-1252; its cells that were UTF-8 are then put back (see ``encodings.repair``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sambandh.imports.reading import encodings, errors

#: Bytes read to recognize a format and sniff the delimiter.
SAMPLE = 64 * 1024
#: Delimiters a CSV may use, in order of preference when two fit as well.
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1024 * 1024

#: Files people upload by mistake, by their first bytes.
_SIGNATURES: tuple[tuple[bytes, Promise], ...] = (
    (b"%PDF", _("a PDF document")),
    (b"\x89PNG", _("a PNG image")),
    (b"\xff\xd8\xff", _("a JPEG image")),
    (b"GIF8", _("a GIF image")),
    (b"\x7fELF", _("a program")),
    (b"MZ", _("a program")),
    (b"\xd0\xcf\x11\xe0", _("an old Excel (.xls) or Word file")),
    (b"\x1f\x8b", _("a compressed archive")),
    (b"7z\xbc\xaf", _("a compressed archive")),
    (b"Rar!", _("a compressed archive")),
    (b"PK\x03\x04", _("a ZIP archive")),
    (b"PK\x05\x06", _("a ZIP archive")),
)


def binary_kind(head: bytes) -> str | None:
    """The kind of a known binary file ("a PDF document"), or None."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            if signature == b"MZ" and b"\x00" not in head[:512]:
                continue  # a CSV whose first cell starts with "MZ"
            return str(kind)
    return None


def is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def text_encoding(path: Path, head: bytes) -> str:
    """The codec to read ``path`` with; raises ImportFileError for binary content."""
    if head.startswith(codecs.BOM_UTF8):
        _refuse_nul(path)
        if _decodes(path, "utf-8-sig"):
            return "utf-8-sig"
        # A UTF-8 mark on bytes that are not all UTF-8: read as the mixed files below are.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if b"\x00" in head:
        raise errors.binary_file(binary_label())
    _refuse_nul(path)
    if _decodes(path, "utf-8"):
        return "utf-8"
    if not _reads_as_latin(head.decode("cp1252", errors=encodings.LENIENT)):
        for japanese in ("shift_jis", "cp932"):
            if _decodes(path, japanese) and _reads_as_japanese(head.decode(japanese, "ignore")):
                return japanese
    return "cp1252"


def binary_label() -> str:
    return str(_("a binary file"))


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text in Latin letters has a NUL in every other byte: odd ones little-endian."""
    sample = head[: len(head) - len(head) % 2][:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _refuse_nul(path: Path) -> None:
    """A NUL byte anywhere in 8-bit text: binary data (and no database stores it in text)."""
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            if b"\x00" in chunk:
                raise errors.binary_file(binary_label())


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes strictly, read in chunks (memory flat)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
#: A Japanese character between two Latin letters: what an accented Latin letter read as
#: Shift_JIS looks like ("Málaga" -> "M疝aga"), and what Japanese text almost never holds.
_SANDWICHED = re.compile(r"(?<=[A-Za-z])[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef](?=[A-Za-z])")


def _reads_as_japanese(text: str) -> bool:
    """Most non-ASCII characters are kana, kanji or full-width forms, and they do not sit one
    by one inside Latin words (Windows-1252 accents often decode as Shift_JIS kanji)."""
    foreign = [char for char in text if not char.isascii()]
    if not foreign:
        return False
    japanese = sum(1 for char in foreign if _JAPANESE.match(char))
    if japanese < 0.9 * len(foreign):
        return False
    return len(_SANDWICHED.findall(text)) <= 0.1 * japanese


def _reads_as_latin(text: str) -> bool:
    """Read as Windows-1252, the non-ASCII characters are letters ("é", "ñ", "Ø"): Latin text.
    Shift_JIS read the same way is mostly punctuation and symbols ("‚µ", "•º", "‰q")."""
    foreign = [char for char in text if not char.isascii()]
    letters = sum(1 for char in foreign if unicodedata.category(char).startswith("L"))
    return bool(foreign) and letters >= 0.9 * len(foreign)


def has_utf8_sequences(path: Path) -> bool:
    """Whether a file that is not strict UTF-8 still holds valid multi-byte UTF-8 sequences
    (a mixed file), in which case the cells that were UTF-8 are put back after decoding."""
    pattern = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def looks_binary(text: str) -> bool:
    """Control characters other than tab, line ends and form feed in decoded text."""
    controls = sum(1 for char in text if char < " " and char not in "\t\r\n\f")
    return controls > max(8, len(text) // 100)


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first records into the same number of fields as the
    header, counted by the csv parser itself so quoted delimiters do not count."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut mid-record
    text = "".join(lines[:200])
    best = ","
    best_score: tuple[float, int] = (-1.0, 0)
    for delimiter in DELIMITERS:
        records = _records(text, delimiter)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        data = records[1:]
        fitting = sum(1 for record in data if len(record) == width)
        share = fitting / len(data) if data else 1.0
        score = (share, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _records(text: str, delimiter: str) -> list[list[str]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [record for record in reader if record]
    except csv.Error:
        return []
