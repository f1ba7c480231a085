"""Small files of each kind, made in memory, for the tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 14
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = "name,city\nAnanya,Pune\nJoão,Lisboa\n".encode()
EML = b"From: ana@example.com\r\nTo: bo@example.com\r\nSubject: Hi\r\n\r\nHello\r\n"


def office(kind: str) -> bytes:
    """A minimal docx, xlsx, pptx or odt/ods/odp: the parts that tell them apart."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if kind in ("odt", "ods", "odp"):
            name = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}[kind]
            z.writestr("mimetype", f"application/vnd.oasis.opendocument.{name}")
            z.writestr("content.xml", "<office:document-content/>")
        else:
            part = {
                "docx": "word/document.xml",
                "xlsx": "xl/workbook.xml",
                "pptx": "ppt/presentation.xml",
            }
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(part[kind], "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("payload.exe", EXE)
    return buffer.getvalue()


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    """Every file under the media folder ``root``."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
