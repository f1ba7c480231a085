"""What a file is, read from its bytes (never from what the browser or the client claims), and
whether its name's extension agrees.

Allowed: PDF, PNG, JPEG, GIF, WebP, the Office Open XML and OpenDocument formats (docx, xlsx,
pptx, odt, ods, odp), plain text and CSV (valid UTF-8 without NUL bytes, not markup), and
e-mail messages (.eml). Everything else (programs, HTML, SVG, scripts, archives) is refused, and
so is a file whose bytes say something other than its name (an .exe renamed .pdf).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from typing import IO

#: Each allowed extension and the type its bytes must turn out to be.
EXTENSIONS: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "eml": "message/rfc822",
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

# The part that tells one Office Open XML document from another.
_OOXML_PARTS = {
    "word/document.xml": EXTENSIONS["docx"],
    "xl/workbook.xml": EXTENSIONS["xlsx"],
    "ppt/presentation.xml": EXTENSIONS["pptx"],
}
_ODF_TYPES = {EXTENSIONS[e] for e in ("odt", "ods", "odp")}

# Text that a browser would take for markup or script if it ever rendered it.
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)", re.I)
# An e-mail message starts with a header field ("Received:", "From:", "Return-Path:"...).
_HEADER = re.compile(rb"^[!-9;-~]+:")
_CHUNK = 64 * 1024


def extension_of(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def _seek_start(f: IO[bytes]) -> None:
    f.seek(0)


def _is_text(f: IO[bytes]) -> bool:
    """Valid UTF-8 throughout, with no NUL byte (read in chunks: the file may be large)."""
    _seek_start(f)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := f.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_type(f: IO[bytes]) -> str:
    """The office format of a ZIP file, from its directory (only names and the tiny
    ``mimetype`` entry are read: nothing is decompressed beyond that)."""
    _seek_start(f)
    try:
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if declared in _ODF_TYPES:
                        return declared
            if "[Content_Types].xml" in names:
                for part, found in _OOXML_PARTS.items():
                    if part in names:
                        return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError):
        return ""
    return ""


def detect(f: IO[bytes], extension: str) -> str:
    """The type of ``f``'s content among the allowed ones, or "" when it is none of them.
    ``extension`` decides only between the text types, which bytes cannot tell apart."""
    _seek_start(f)
    head = f.read(512)
    for magic, found in _MAGIC:
        if head.startswith(magic):
            return found
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(f)
    if not head or _MARKUP.match(head.lstrip(b"\xef\xbb\xbf")):
        return ""
    if not _is_text(f):
        return ""
    if extension == "eml":
        return EXTENSIONS["eml"] if _HEADER.match(head) else ""
    return EXTENSIONS["csv"] if extension == "csv" else "text/plain"


def allowed_type(f: IO[bytes], filename: str) -> str:
    """The content type to store and serve ``f`` with, or "" when it may not be attached:
    its extension is not an allowed one, or its bytes are not what the extension says."""
    extension = extension_of(filename)
    expected = EXTENSIONS.get(extension)
    if expected is None:
        return ""
    found = detect(f, extension)
    _seek_start(f)
    return found if found == expected else ""
