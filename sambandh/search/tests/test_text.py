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


def test_each_phone_number_gets_one_end_token_and_other_digits_none():
    # given a person with two numbers (their digit forms, as the services pass them) and digits
    # in an email address and in a name
    words = [
        "919876543210",
        "9876543210",
        "09876543210",
        "14155550132",
        "4155550132",
        "kumar9198765@example.com",
        "Plot 914155 Office 4155",
    ]
    terms = text.index_terms("Ravi Kumar", "", words)
    # then each number's international digits, reversed behind the mark, are one token more;
    # the email's digits (91 and 98765, no other token) and the name's (91 and 4155, too short)
    # are no number
    assert terms == (
        "ravi kumar 919876543210 9876543210 09876543210 14155550132 4155550132 9198765 example"
        " com plot 914155 office 4155 r012345678919 r23105555141"
    )
    # and the end tokens are made again from the other terms, the same
    rest = [t for t in terms.split() if not text.is_phone_end_token(t)]
    assert text.index_terms("Ravi Kumar", "", rest) == terms


def test_digits_alone_are_not_a_phone_number():
    # a number needs its international form and its national form: one run of digits is not one
    assert text.phone_end_tokens(["919876543210", "ravi", "2026"]) == []
    # nor is a national number too short to be found by five digits
    assert text.phone_end_tokens(["6831234", "1234"]) == []
    assert text.phone_end_tokens(["390212345678", "212345678", "0212345678"]) == ["r876543212093"]


def test_title_key_is_the_title_tokens_joined_by_one_space():
    assert text.title_key("  O'Brien,   Pat ") == "o brien pat"


@pytest.mark.parametrize("raw", ["", "   ", "a", "a b", "+", "-- ..", "9"])
def test_queries_without_a_two_character_word_find_nothing(raw):
    assert text.parse_query(raw) is None


def test_one_character_of_a_script_without_spaces_is_a_query():
    parsed = text.parse_query("王")
    assert parsed is not None and parsed.words == ("王",)


@pytest.mark.parametrize(
    ("raw", "digits", "anchored"),
    [
        ("+91 98765 43210", ("919876543210",), True),
        ("98765 43210", ("9876543210",), False),
        ("9876543210", ("9876543210",), False),
        ("09876543210", ("09876543210",), True),
        ("(+91) 98765-43210", ("919876543210",), True),
        ("(415) 555-0132", ("4155550132",), False),
        ("0091 98765 43210", ("00919876543210", "919876543210"), True),
        ("९८७६५ ४३२१०", ("9876543210",), False),
    ],
)
def test_a_query_of_digits_and_phone_punctuation_is_a_phone_number(raw, digits, anchored):
    parsed = text.parse_query(raw)
    assert parsed is not None
    assert (parsed.digits, parsed.anchored) == (digits, anchored)
    # the index is asked for the numbers that start with the digits, and unless the query starts
    # with + or 0, for those that end with them (their end tokens start with the digits reversed)
    ends = [] if anchored else [(("r" + d[::-1], True),) for d in digits]
    assert parsed.indexed_alternatives() == [((d, True),) for d in digits] + ends


def test_a_phone_number_is_looked_up_once_it_has_five_digits():
    # given the country code and two digits: most numbers start so
    short = text.parse_query("+91 98")
    # then the index is not asked at all
    assert short is not None and short.indexed_alternatives() == []
    # nor with three after the country code: "+91 987" starts a good share of India's numbers
    three = text.parse_query("+91 987")
    assert three is not None and three.indexed_alternatives() == []
    # and with five after it, for every number that starts with them
    five = text.parse_query("+91 98765")
    assert five is not None and five.indexed_alternatives() == [(("9198765", True),)]
    trunk = text.parse_query("09876")
    assert trunk is not None and trunk.indexed_alternatives() == [(("09876", True),)]
    # or, without a + or 0 in front, that start or end with them
    bare = text.parse_query("987 65")
    assert bare is not None
    assert bare.indexed_alternatives() == [(("98765", True),), (("r56789", True),)]
    # without a + or 0 in front, fewer digits may be a number in a name, looked up whole
    few = text.parse_query("98 76")
    assert few is not None and few.indexed_alternatives() == [(("98", False), ("76", False))]


ASHA = text.index_terms(
    "Asha Rao",
    "asha.rao98765@tatamotors.com",
    ["asha.rao98765@tatamotors.com", "919876543210", "9876543210", "09876543210"],
)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        # the start of the number, in each of its forms
        ("98765", True),
        ("987 65", True),
        ("+91 98765", True),
        ("91 98765", True),
        ("09876", True),
        ("0091 98765", True),
        # its end
        ("43210", True),
        ("5 43210", True),
        ("6543210", True),
        ("98765 43210", True),
        # its middle does not
        ("76543", False),
        ("876543", False),
        # nor its end after a + or 0, which start a number
        ("+43210", False),
        ("043210", False),
        # more of its start, and other numbers
        ("98765 4", True),
        ("987654", True),
        ("12345", False),
        # fewer than five digits: a word prefix, as any number
        ("9876", True),
        ("8765", False),
    ],
)
def test_a_phone_query_matches_a_number_that_starts_or_ends_with_its_digits(q, found):
    parsed = text.parse_query(q)
    assert parsed is not None
    assert parsed.matches(ASHA) is found


def test_digits_in_an_email_match_a_phone_query_only_whole():
    # given a lead with no phone, whose email holds digits
    terms = text.index_terms("Kiran Desai", "", ["kiran.98765432@desai.in"])
    # then the whole digits find it, their start does not
    for q, found in [("98765432", True), ("98765", False), ("65432", False)]:
        parsed = text.parse_query(q)
        assert parsed is not None and parsed.matches(terms) is found, q


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
