"""Find the text of a template that reaches users without going through gettext.

Each template is split by Django's own template Lexer. The text outside ``{% translate %}`` and
``{% blocktranslate %}`` (and outside comments, ``{% verbatim %}``, ``<script>`` and ``<style>``)
is put back together with every tag and variable replaced by a marker, and read by an HTML
parser: a text node or a user-visible attribute (``title``, ``aria-label``, ``placeholder``, ...)
that still holds a letter once the markers are removed is English a user would see untranslated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import DebugLexer, TokenType

#: Stands for a template tag or variable (its value is translated, or data, or not text).
MARK = "\ufffc"

#: Attributes whose values a person reads or a screen reader speaks.
VISIBLE_ATTRIBUTES = frozenset(
    {
        "title",
        "aria-label",
        "aria-placeholder",
        "aria-roledescription",
        "aria-valuetext",
        "aria-description",
        "placeholder",
        "alt",
        "label",
        "data-confirm",
    }
)

#: Text that is not language: the brand, keyboard keys as printed on the keys, units.
NOT_LANGUAGE = frozenset({"Sambandh", "S", "Ctrl", "K", "Enter", "Esc", "Tab", "Shift", "Alt"})

#: Whole texts that are code or examples, not language: a custom field's key prefix, a domain.
NOT_LANGUAGE_TEXT = frozenset({"custom.", "example.com"})

_BUTTONS = frozenset({"submit", "button", "reset"})
_LETTER = re.compile(r"[^\W\d_]")
_SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}
_TRANSLATE_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}


@dataclass(frozen=True)
class Escape:
    template: str
    line: int
    where: str  # "text" or the attribute's name
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.where}: {self.text!r}"


def _is_language(text: str) -> bool:
    words = [w for w in re.split(r"[\s" + MARK + r"]+", text) if w]
    meaningful = [w.strip(".,:;·—–-()[]/|+*#!?%…'\"") for w in words]
    return any(_LETTER.search(w) and w not in NOT_LANGUAGE for w in meaningful if w)


def _static_text(source: str) -> list[tuple[str, int]]:
    """The template as (text, line) pieces with every tag, variable and translated stretch
    replaced by MARK."""
    pieces: list[tuple[str, int]] = []
    closing: str | None = None
    for token in DebugLexer(source).tokenize():
        content = token.contents
        start, end = token.position
        # Keep the lines a tag or a skipped stretch spanned, so that line numbers stay true.
        spanned = "\n" * source[start:end].count("\n")
        name = content.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
        if closing is not None:
            if name == closing:
                closing = None
            pieces.append((spanned, token.lineno))
            continue
        if token.token_type == TokenType.TEXT:
            pieces.append((content, token.lineno))
            continue
        if name in _SKIPPED_BLOCKS:
            closing = _SKIPPED_BLOCKS[name]
        elif name == "block" and content.split()[1:2] and content.split()[1].endswith("_class"):
            closing = "endblock"  # a block filling a class attribute: CSS names, not text
        elif name in _TRANSLATE_BLOCKS:
            closing = _TRANSLATE_BLOCKS[name]
        pieces.append((MARK + spanned, token.lineno))
    return pieces


class _Reader(HTMLParser):
    def __init__(self, template: str) -> None:
        super().__init__(convert_charrefs=True)
        self.template = template
        self.found: list[Escape] = []
        self.raw = 0  # depth inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.raw += 1
        named = dict(attrs)
        for attr, value in attrs:
            if value is None:
                continue
            # A button's value is sent, not shown; an input button shows its value.
            visible = attr in VISIBLE_ATTRIBUTES or (
                tag == "input" and attr == "value" and named.get("type") in _BUTTONS
            )
            if visible and _is_language(value) and value not in NOT_LANGUAGE_TEXT:
                self.found.append(Escape(self.template, self.getpos()[0], attr, value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.raw:
            self.raw -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.replace(MARK, " ").split())
        if not self.raw and _is_language(data) and text not in NOT_LANGUAGE_TEXT:
            self.found.append(Escape(self.template, self.getpos()[0], "text", text))


def template_escapes(path: Path, name: str) -> list[Escape]:
    source = path.read_text(encoding="utf-8")
    pieces = _static_text(source)
    text = "".join(piece for piece, _line in pieces)
    reader = _Reader(name)
    if path.suffix == ".txt":
        reader.handle_data(text)  # an email's text: every letter is read
    else:
        reader.feed(text)
        reader.close()
    return reader.found


def template_roots() -> list[Path]:
    """Every folder the project's templates live in."""
    root = Path(__file__).resolve().parents[2]
    return sorted(p for p in (root / "sambandh").glob("*/templates") if p.is_dir())


def all_escapes() -> list[Escape]:
    found: list[Escape] = []
    for folder in template_roots():
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                found.extend(template_escapes(path, str(path.relative_to(folder.parent.parent))))
    return found
