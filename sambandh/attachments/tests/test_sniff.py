"""What a file is, from its bytes, and whether its name agrees."""

from __future__ import annotations

import io

import pytest

from sambandh.attachments import sniff
from sambandh.attachments.tests import samples


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("contract.pdf", samples.PDF, "application/pdf"),
        ("logo.PNG", samples.PNG, "image/png"),
        ("photo.jpg", samples.JPEG, "image/jpeg"),
        ("photo.jpeg", samples.JPEG, "image/jpeg"),
        ("anim.gif", samples.GIF, "image/gif"),
        ("pic.webp", samples.WEBP, "image/webp"),
        ("notes.txt", "Namaste, ஆனந்த்\n".encode(), "text/plain"),
        ("leads.csv", samples.CSV, "text/csv"),
        ("mail.eml", samples.EML, "message/rfc822"),
        ("offer.docx", samples.office("docx"), sniff.EXTENSIONS["docx"]),
        ("sheet.xlsx", samples.office("xlsx"), sniff.EXTENSIONS["xlsx"]),
        ("deck.pptx", samples.office("pptx"), sniff.EXTENSIONS["pptx"]),
        ("offer.odt", samples.office("odt"), sniff.EXTENSIONS["odt"]),
        ("sheet.ods", samples.office("ods"), sniff.EXTENSIONS["ods"]),
        ("deck.odp", samples.office("odp"), sniff.EXTENSIONS["odp"]),
    ],
)
def test_allowed_files_are_recognised_by_their_bytes(name, content, expected):
    assert sniff.allowed_type(io.BytesIO(content), name) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", samples.EXE),  # a program named as a PDF
        ("setup.exe", samples.EXE),
        ("photo.png", samples.HTML),  # a page named as an image
        ("page.html", samples.HTML),
        ("readme.txt", samples.HTML),  # markup named as text
        ("logo.svg", samples.SVG),
        ("logo.txt", samples.SVG),
        ("photo.png", samples.JPEG),  # a real image, under another image's name
        ("contract.pdf", samples.PNG),
        ("offer.docx", samples.office("xlsx")),  # a spreadsheet named as a document
        ("offer.docx", samples.plain_zip()),
        ("archive.zip", samples.plain_zip()),
        ("data.csv", b"a,b\n\x00\x01"),  # NUL bytes: not text
        ("data.txt", b"caf\xe9 latin-1"),  # not UTF-8
        ("mail.eml", b"Hello, no headers here\n"),
        ("noextension", samples.PDF),
        (".pdf", samples.PDF),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_other_and_disguised_files_are_refused(name, content):
    assert sniff.allowed_type(io.BytesIO(content), name) == ""
