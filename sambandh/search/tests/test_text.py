"""How documents and queries become tokens: the same folding on both sides."""

from __future__ import annotations

import pytest

from sambandh.search import text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("José Müller-Lüdenscheidt", ["jose", "muller", "ludenscheidt"]),
        ("STRASSE Straße", ["strasse", "strasse"]),
        ("asha.rao@tata-motors.co.in", ["asha", "rao", "tata", "motors", "co", "in"]),
        ("kumar14@example.com", ["kumar", "14", "example", "com"]),
        ("+91 98765-43210", ["91", "98765", "43210"]),
        # Indic vowel signs are part of the word, not accents.
        ("राहुल शर्मा", ["राहुल", "शर्मा"]),
        ("రాహుల్ రెడ్డి", ["రాహుల్", "రెడ్డి"]),
        ("ગીતા પટેલ", ["ગીતા", "પટેલ"]),
        # Arabic short vowels and tatweel are dropped.
        ("مُحَمَّد الحـداد", ["محمد", "الحداد"]),
        ("王小明", ["王小明"]),
        ("山田 太郎", ["山田", "太郎"]),
        ("ＡＢＣ１２", ["abc", "12"]),
        ("", []),
        (" · — ", []),
    ],
)
def test_tokens_fold_case_accents_and_split_on_punctuation(raw, expected):
    # given a text, when tokenized, then these are its tokens
    assert text.tokens(raw) == expected


def test_index_terms_are_distinct_and_names_without_spaces_get_their_suffixes():
    # given a title, a subtitle and words with a repeat and a Chinese name
    terms = text.index_terms("王小明", "Tata Motors", ["Tata Motors", "wang@tata.com", "王小明"])
    # then every token appears once, and the Chinese name's suffixes are there too
    assert terms == "王小明 小明 明 tata motors wang com"


def test_title_key_is_the_title_tokens_joined_by_one_space():
    assert text.title_key("  O'Brien,   Pat ") == "o brien pat"


@pytest.mark.parametrize("raw", ["", "   ", "a", "a b", "+", "-- ..", "9"])
def test_queries_without_a_two_character_word_find_nothing(raw):
    assert text.parse_query(raw) is None


def test_one_character_of_a_script_without_spaces_is_a_query():
    parsed = text.parse_query("王")
    assert parsed is not None and parsed.words == ("王",)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("+91 98765 43210", ("919876543210",)),
        ("98765 43210", ("9876543210",)),
        ("9876543210", ("9876543210",)),
        ("09876543210", ("09876543210",)),
        ("(+91) 98765-43210", ("919876543210",)),
        ("0091 98765 43210", ("00919876543210", "919876543210")),
        ("९८७६५ ४३२१०", ("9876543210",)),
    ],
)
def test_a_query_of_digits_and_phone_punctuation_is_a_phone_number(raw, digits):
    parsed = text.parse_query(raw)
    assert parsed is not None
    assert parsed.digits == digits
    assert parsed.indexed_alternatives() == [((d, True),) for d in digits]


def test_a_phone_prefix_is_looked_up_once_it_has_eight_digits():
    # given the country code and a few digits: most numbers start so
    short = text.parse_query("+91 9876")
    # then the index is not asked at all
    assert short is not None and short.indexed_alternatives() == []
    # and with eight digits, for every number that starts with them
    longer = text.parse_query("+91 98765 4")
    assert longer is not None and longer.indexed_alternatives() == [(("91987654", True),)]
    # without a + or 0 in front, a few digits may be a number in a name, looked up whole
    bare = text.parse_query("98 76")
    assert bare is not None and bare.indexed_alternatives() == [(("98", False), ("76", False))]


def test_a_number_alone_is_looked_up_whole():
    parsed = text.parse_query("2026")
    assert parsed is not None and parsed.indexed_alternatives() == [(("2026", False),)]


def test_finished_words_are_looked_up_whole_and_the_word_being_typed_narrows_afterwards():
    # given "ravi ku", "ravi" is finished and "ku" is being typed
    parsed = text.parse_query("Ravi Ku")
    assert parsed is not None
    assert (parsed.words, parsed.complete) == (("ravi", "ku"), 1)
    assert parsed.indexed_alternatives() == [(("ravi", False),)]
    # and asked again with prefixes (when the whole words found nothing)
    assert parsed.indexed_alternatives(all_prefixes=True) == [(("ravi", True),)]
    # then a document must still start a word with "ku"
    assert parsed.matches("ravi kumar sales") is True
    assert parsed.matches("ravi shankar sales") is False


def test_a_trailing_separator_finishes_the_last_word():
    parsed = text.parse_query("asha.rao@")
    assert parsed is not None and parsed.complete == 2
    assert parsed.indexed_alternatives() == [(("asha", False), ("rao", False))]


def test_a_single_word_being_typed_is_looked_up_as_a_prefix_once_three_long():
    assert text.parse_query("ra").indexed_alternatives() == []  # type: ignore[union-attr]
    assert text.parse_query("rah").indexed_alternatives() == [(("rah", True),)]  # type: ignore[union-attr]


def test_index_queries_are_quoted_prefixes_anded_and_alternatives_ored():
    alternatives = [(("919876543210", True),), (("asha", False), ("rao", True))]
    assert text.fts5_query(alternatives) == '("919876543210"*) OR ("asha" AND "rao"*)'
    assert text.tsquery(alternatives) == "('919876543210':*) | ('asha' & 'rao':*)"
