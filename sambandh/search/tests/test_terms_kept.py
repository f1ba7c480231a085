"""The terms kept per text and per field (search/text.py ``_text_terms``, ``field_terms``) are
the terms the tokenizer gives without them: the same string, in the same order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambandh.search import text
from sambandh.search.services import SearchField, document_content


def _reference(title, subtitle, words):
    """index_terms as it was written before the terms were kept (token by token)."""
    seen: dict[str, None] = {}
    for piece in (title, subtitle, *words):
        for token in text.tokens(piece or ""):
            seen[token] = None
            if (
                1 < len(token) <= text.MAX_SUFFIXED_LENGTH
                and not token.isascii()
                and any(map(text.is_unspaced_script, token))
            ):
                for start in range(1, len(token)):
                    seen[token[start:]] = None
    for token in text.phone_end_tokens(seen):
        seen[token] = None
    return " ".join(seen)


HARD = [
    ("Asha Rao", "Engineer · Company 5", ["Asha", "Rao", "asha.rao@example.com"]),
    ("王小明", "", ["王小明", "王", "小明"]),
    ("王小明王小明王小明", "", ["東京都", "とうきょう"]),
    ("김민준", "서울", ["김민준"]),
    ("José Müller", "Chloé", ["JOSÉ", "mu\u0308ller", "ﬁsh"]),
    ("مُحَمَّد", "", ["محمد"]),
    ("राहुल", "", ["राहुल शर्मा"]),
    ("", "", ["+919800000001", "919800000001", "9800000001", "09800000001"]),
    ("", "", ["+442071234567", "2071234567", "02071234567", "sharma123"]),
    ("", "", [None, "", "  ", "—", "a", "a" * 100]),
    ("Ünïcödé", "x", ["x", "x", "Ünïcödé"]),
]


@pytest.mark.parametrize(("title", "subtitle", "words"), HARD)
def test_index_terms_are_the_tokenizers(title, subtitle, words):
    expected = _reference(title, subtitle, words)
    assert text.index_terms(title, subtitle, words) == expected
    assert text.index_terms(title, subtitle, words) == expected  # kept: the same again


@pytest.mark.parametrize(("title", "subtitle", "words"), HARD)
def test_field_terms_are_index_terms_of_the_words(title, subtitle, words):
    kept = tuple(w for w in words if w is not None)
    assert text.field_terms(kept) == _reference("", "", kept)
    assert text.field_terms(kept) == _reference("", "", kept)


def test_a_document_is_the_same_with_and_without_the_kept_fields():
    fields = [
        SearchField("job_title", subtitle="Engineer"),
        SearchField("organization", words=["Company 5"], subtitle="Company 5", link=("o", 5)),
        SearchField("emails", words=["a@b.example", "a", "b.example"], subtitle="a@b.example"),
        SearchField("phones", words=["919800000001", "9800000001"]),
        SearchField("custom.notes", words=["王小明"]),
    ]
    kept = document_content("Asha Rao", words=["Asha Rao", "Asha", "Rao"], fields=fields)
    plain = document_content(
        "Asha Rao", words=["Asha Rao", "Asha", "Rao"], fields=fields, index_terms=_reference
    )
    assert kept == plain
    assert kept[2]["fields"]["organization"] == "company 5"


def test_the_kept_terms_are_bounded():
    for n in range(text.field_terms.cache_info().maxsize + 10):
        text.field_terms((f"word{n}",))
    info = text.field_terms.cache_info()
    assert info.currsize == info.maxsize


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet=st.sampled_from(list("aZ09 .@+-éü王小明김ـُ\u0301")), max_size=14),
        max_size=5,
    )
)
def test_any_words_give_the_tokenizers_terms(words):
    assert text.index_terms("", "", words) == _reference("", "", words)
    assert text.field_terms(tuple(words)) == _reference("", "", words)
