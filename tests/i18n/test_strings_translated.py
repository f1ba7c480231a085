"""No string meant for users escapes gettext: in templates, in Python. When one of these fails,
wrap the string it names ({% translate %}, _()) or, if it is not language (a brand, a symbol, a
code), add it to the allow-list in tests/i18n/template_strings.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.i18n import python_strings, template_strings


def test_no_template_text_escapes_translation():
    assert [str(e) for e in template_strings.all_escapes()] == []


def test_no_python_message_escapes_translation():
    assert [str(e) for e in python_strings.all_escapes()] == []


def test_the_template_check_sees_bare_text_and_attributes(tmp_path):
    # given a template with English outside translate tags, in a text node and in attributes
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "People" %}</h1>\n'
        "<p>Nothing here yet</p>\n"
        '<button title="Close panel" aria-label="{% translate \'Close\' %}">×</button>\n'
        '<input placeholder="Search…" value="Save" type="submit">\n'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}\n"
        '<span class="brand">Sambandh</span>{# a comment #}{% comment %}Not shown{% endcomment %}\n'
        "<script>var a = 'not text';</script>\n"
    )
    # then exactly the untranslated English is found, with its line
    found = [(e.line, e.where, e.text) for e in template_strings.template_escapes(page, "page")]
    assert found == [
        (2, "text", "Nothing here yet"),
        (3, "title", "Close panel"),
        (4, "placeholder", "Search…"),
        (4, "value", "Save"),
    ]


def test_the_python_check_sees_bare_messages():
    # given code that hands English to user-facing sinks, and code that translates it
    source = """
from django.contrib import messages
raise ValidationFailed("Bad amount")
raise ValidationFailed(_("Bad amount"))
raise NotFound(fields={"amount": "Too big"})
messages.success(request, f"Saved {name}")
messages.success(request, _("Saved."))
form.add_error("email", "Taken")
send_mail("Welcome", body, None, [to])
class Status(TextChoices):
    OPEN = "open", "Open"
    DONE = "done", _("Done")
    LOST = "lost"
"""
    found = [(e.line, e.text) for e in python_strings._escapes_in(ast.parse(source), "module.py")]
    # then each bare message is named
    assert sorted(found) == [
        (3, "Bad amount"),
        (5, "Too big"),
        (6, "Saved "),
        (8, "Taken"),
        (9, "Welcome"),
        (11, "Open"),
        (13, "(no label)"),
    ]


#: A script putting a literal with letters where a person reads it: an element's text, a
#: visible attribute, a toast, a confirmation, an announcement.
_JS_SINK = re.compile(
    r"""(?:textContent|innerText|title|placeholder)\s*=\s*["'][^"']*[A-Za-z]{2}"""
    r"""|setAttribute\(\s*["'](?:aria-label|title|placeholder)["']\s*,\s*["'][^"']*[A-Za-z]"""
    r"""|\b(?:toast|confirm|alert|announce|say|message)\(\s*["'][^"']*[A-Za-z]{2}"""
)


def js_escapes(source: str) -> list[str]:
    return [m.group(0) for m in _JS_SINK.finditer(source)]


def test_no_script_shows_english_outside_gettext():
    root = Path(__file__).resolve().parents[2] / "sambandh"
    found = [
        f"{path.relative_to(root)}: {hit}"
        for path in sorted(root.glob("*/static/**/*.js"))
        if "vendor" not in path.parts
        for hit in js_escapes(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_script_check_sees_a_bare_message():
    source = (
        'el.textContent = "Saved";\n'
        'btn.setAttribute("aria-label", "Close");\n'
        'toast("Could not save", "error");\n'
        'ok.textContent = gettext("Saved");\n'
        'x.textContent = "×";\n'
    )
    assert js_escapes(source) == [
        'textContent = "Saved',
        'setAttribute("aria-label", "Close',
        'toast("Could not save',
    ]
