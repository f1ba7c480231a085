"""The translation catalogues: te, gu and hi complete, the others present, the .mo files true.

A new msgid (a string wrapped in gettext) fails the first test until it is translated in Telugu,
Gujarati and Hindi: run scripts/messages, translate, compile (docs/translating.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

from sambandh.core.catalogues import ROOT, compiled, po_files

COMPLETE = ("te", "gu", "hi")
PRESENT = ("es", "pt_BR", "fr", "de", "ja", "ar")
DOMAINS = ("django", "djangojs")


def catalogue(lang: str, domain: str) -> Catalog:
    with (ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle)


def _translated(message) -> bool:  # noqa: ANN001
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return all(s.strip() for s in strings)


def gaps(cat: Catalog) -> tuple[list[str], list[str]]:
    """The msgids of ``cat`` that are untranslated, and those marked fuzzy."""
    untranslated, fuzzy = [], []
    for message in cat:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            fuzzy.append(msgid)
        elif not _translated(message):
            untranslated.append(msgid)
    return untranslated, fuzzy


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", COMPLETE)
def test_telugu_gujarati_and_hindi_are_complete(lang, domain):
    untranslated, fuzzy = gaps(catalogue(lang, domain))
    assert untranslated == [], f"{lang}/{domain}.po: translate these msgids"
    assert fuzzy == [], f"{lang}/{domain}.po: check these fuzzy guesses and clear the flag"


def test_the_completeness_check_sees_a_gap():
    # given a catalogue with an untranslated and a fuzzy entry
    cat = Catalog(locale="te")
    cat.add("Deals", "డీల్‌లు")
    cat.add("Leads", "")
    cat.add("Pipelines", "పైప్‌లైన్‌లు", flags=["fuzzy"])
    # then both are named
    assert gaps(cat) == (["Leads"], ["Pipelines"])


def test_every_interface_language_has_catalogues():
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue  # the msgids are English
        for domain in DOMAINS:
            assert (ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / f"{domain}.po").is_file()


@pytest.mark.parametrize("lang", PRESENT)
def test_the_other_languages_cover_the_interface(lang):
    """Spanish to Arabic are translated by translators as they can: at least the navigation
    and nine in ten of all messages (lists, record pages, forms and errors among them)."""
    from django.utils import translation

    from sambandh.web.nav import nav_items

    cat = catalogue(lang, "django")
    untranslated, fuzzy = gaps(cat)
    total = sum(1 for m in cat if m.id)
    assert fuzzy == []
    assert len(untranslated) <= total // 10, untranslated
    with translation.override("en"):
        labels = [str(item.label) for item in nav_items()]  # the msgids
    assert labels
    assert [label for label in labels if label in untranslated] == []


def test_placeholders_survive_translation():
    """A translation names the same %(placeholders)s as its msgid (or the page fails with a
    KeyError, or shows a raw placeholder)."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|%\(\w+\)0\d+d")
    wrong = []
    for path in po_files():
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not isinstance(message.id, str):
                    continue
                wanted = sorted(placeholder.findall(message.id))
                if message.string and sorted(placeholder.findall(message.string)) != wanted:
                    wrong.append((str(path.relative_to(ROOT)), message.id))
    assert wrong == []


@pytest.mark.parametrize("po_path", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_mo_file_is_its_po_file_compiled(po_path: Path):
    """The .mo files are committed (a fresh machine needs no GNU gettext); this fails when a
    .po file was edited without `scripts/messages compile`."""
    assert po_path.with_suffix(".mo").read_bytes() == compiled(po_path)
