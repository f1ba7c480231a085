from __future__ import annotations

import pytest
from django.template import Context, Template

from sambandh.web.templatetags.web import ICON_NAMES, icon, initials

REQUIRED_ICONS = {
    "home",
    "person",
    "organization",
    "deal",
    "lead",
    "task",
    "note",
    "call",
    "meeting",
    "email",
    "search",
    "plus",
    "board",
    "list",
    "logout",
    "menu",
    "check",
    "clock",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asha Rao", "AR"),
        ("asha rao", "AR"),
        ("Jean-Luc de la Tour Picard", "JP"),
        ("José", "J"),
        ("山田太郎", "山"),
        ("山田 太郎", "山太"),
        ("أحمد علي", "أع"),
        ("ગીતા પટેલ", "ગીપ"),
        ("सुनीता शर्मा", "सुश"),
        ("maria.garcia@example.com", "MG"),
        ("(Bob) Smith", "BS"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_initials_take_the_first_letter_of_up_to_two_words_in_any_script(name, expected):
    assert initials(name) == expected


def test_initials_keep_no_dangling_virama():
    # Given a Telugu name whose first letter is a conjunct (శ + virama + ర ...)
    # When its initials are taken
    result = initials("శ్రీనివాస్")
    # Then only the consonant is kept, not a half-form with a bare virama
    assert result == "శ"


def test_every_icon_the_domains_use_exists():
    assert REQUIRED_ICONS <= ICON_NAMES


def test_icon_renders_an_inline_svg_hidden_from_screen_readers():
    svg = str(icon("person"))
    assert svg.startswith('<svg class="icon" viewBox="0 0 24 24"')
    assert 'aria-hidden="true"' in svg
    assert svg.endswith("</svg>")
    assert "style=" not in svg  # the CSP allows no inline styles


def test_unknown_icon_renders_nothing():
    assert str(icon("<script>")) == ""


def test_icon_escapes_its_class_argument():
    svg = str(icon("plus", '"><script>alert(1)</script>'))
    assert "<script>" not in svg
    assert "&quot;&gt;&lt;script&gt;" in svg


def test_directional_icons_are_marked_to_mirror_in_rtl():
    assert 'class="icon icon-flip"' in str(icon("logout"))
    assert "icon-flip" not in str(icon("home"))


def test_tags_load_in_a_template():
    html = Template('{% load web %}{% icon "home" %}{{ name|initials }}').render(
        Context({"name": "Ravi Kumar"})
    )
    assert html.startswith("<svg")
    assert html.endswith("RK")
