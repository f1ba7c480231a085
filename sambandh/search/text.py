"""How text becomes search tokens, the same way for the documents and for the query.

Both sides go through ``fold`` and ``tokens`` here, so the database index only ever compares
tokens that Python produced:

- ``fold``: NFKC, casefold, accents dropped from Latin, Greek and Cyrillic letters (José → jose),
  Arabic short vowels and tatweel dropped (مُحَمَّد → محمد). Marks of Indic scripts are letters'
  vowel signs, not accents, and stay (राहुल stays राहुल).
- ``tokens``: runs of letters (with their marks) or of digits. Everything else (spaces,
  punctuation, ``@``, ``.``, ``+``) separates, so an email gives its local part's pieces and its
  domain's labels; a letter next to a digit separates too.
- Names written without spaces (Chinese, Japanese, Korean) are one token; the document side also
  stores each of its suffixes, so a prefix match on them finds the name by any part of it
  (王小明 is found by 王, 王小, 王小明, 小明 and 明).

A query's words are matched as word prefixes and ANDed (``ParsedQuery`` says which of them the
index is asked for, and how).

Phone numbers: a query made of digits and phone punctuation is matched by its digits joined
together. A number is stored as its digit forms, each a token (international, national, national
with its trunk prefix: see ``sambandh.core.cleaning.phone_digit_forms``), and ``index_terms`` adds
one token for its end: ``PHONE_END_MARK`` and the international digits reversed. With five digits
or more (``MIN_PHONE_DIGITS``) a query finds a number that starts with them (a prefix of a digit
form: "98765", "+91 98765", "09876" find +91 98765 43210) or that ends with them (a prefix of the
end token: "43210", "5 43210"), never one that has them in the middle; a query that starts with +
or 0 is the start of a number only, and after a + the five digits are counted past the country
code ("+91 812" starts too many of a country's numbers to be looked up). Digits elsewhere (an
email's, a name's) are not a number: a query matches them only whole. Fewer digits are looked up
whole, as any number in a name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

MAX_TOKEN_LENGTH = 64
MAX_QUERY_TOKENS = 8
# Names in scripts written without spaces are short; longer runs are not split into suffixes.
MAX_SUFFIXED_LENGTH = 12

_PHONE_QUERY = re.compile(r"[\d\s+\-().]+")
_ARABIC_MARKS = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640", "\u06e1", "\u06ed"]
)


def _strips_marks(base: str) -> bool:
    """Whether combining marks on ``base`` are accents (Latin, Greek, Cyrillic)."""
    code = ord(base)
    return code < 0x0530 or 0x1D00 <= code <= 0x1FFF or 0x2C60 <= code <= 0x2C7F


def is_unspaced_script(char: str) -> bool:
    """Han, kana and hangul: scripts whose names are commonly written without spaces."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x31F0 <= code <= 0x31FF
        or 0x3400 <= code <= 0x4DBF  # Han extension A
        or 0x4E00 <= code <= 0x9FFF  # Han
        or 0xF900 <= code <= 0xFAFF
        or 0x1100 <= code <= 0x11FF  # hangul jamo
        or 0x3130 <= code <= 0x318F
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0x20000 <= code <= 0x3FFFF  # Han extensions B onwards
    )


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    if text.isascii():
        return text
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if char in _ARABIC_MARKS:
            continue
        if unicodedata.combining(char):
            if base and _strips_marks(base):
                continue
        else:
            base = char
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _kind(char: str) -> str:
    """ "d" for a digit, "w" for another word character, "" for a separator."""
    category = unicodedata.category(char)
    if category == "Nd":
        return "d"
    if category[0] in "LM" or category[0] == "N":
        return "w"
    return ""


#: Folded ASCII text's tokens: runs of letters or of digits (what ``tokens`` finds, faster).
_ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``, in order, repeats kept.

    Letters and digits next to each other also separate ("sharma123" gives "sharma" and "123"):
    otherwise every numbered email address would add a word of its own to the index.
    """
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    folded = fold(text)
    if folded.isascii():
        return tuple(t[:MAX_TOKEN_LENGTH] for t in _ASCII_TOKEN.findall(folded))
    found: list[str] = []
    current: list[str] = []
    previous = ""
    for char in folded:
        kind = _kind(char)
        if current and kind != previous and not (kind == "w" and unicodedata.combining(char)):
            found.append("".join(current)[:MAX_TOKEN_LENGTH])
            current = []
        if kind:
            current.append(char)
            if not unicodedata.combining(char):
                previous = kind
        else:
            previous = ""
    if current:
        found.append("".join(current)[:MAX_TOKEN_LENGTH])
    return tuple(found)


def title_key(title: str) -> str:
    """The title as folded tokens joined by one space: what a title-prefix match compares."""
    return " ".join(tokens(title))[:300]


def index_terms(title: str, subtitle: str, words: Iterable[str]) -> str:
    """Every distinct token a document is found by, space-separated, and the end token of each
    phone number among them (see ``phone_end_tokens``)."""
    seen: dict[str, None] = {}
    for text in (title, subtitle, *words):
        for token in tokens(text or ""):
            seen[token] = None
            if (
                1 < len(token) <= MAX_SUFFIXED_LENGTH
                and not token.isascii()
                and any(map(is_unspaced_script, token))
            ):
                for start in range(1, len(token)):
                    seen[token[start:]] = None
    for token in phone_end_tokens(seen):
        seen[token] = None
    return " ".join(seen)


# Phone digits are matched from this many on: fewer start too many numbers (a country code and
# a digit or two), and a prefix that short would make the index read most of its phone tokens.
MIN_PHONE_DIGITS = 5
# The letter before a number's reversed digits. The tokenizer splits letters from digits, so no
# other token of a document or a query has a letter followed by digits; and one letter alone is
# never looked up, so no query word reaches these tokens.
PHONE_END_MARK = "r"
# Country calling codes are prefix-free: at most one of a number's first three digits' prefixes
# is one.
_COUNTRY_CODES = frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _country_code_length(digits: str) -> int:
    return next((n for n in (1, 2, 3) if digits[:n] in _COUNTRY_CODES), 0)


def phone_end_tokens(found: Iterable[str]) -> list[str]:
    """The end tokens of the phone numbers among a document's tokens.

    A number is recognised by its digit forms: one is the international number, a country code
    followed by another of the document's tokens (the national significant number, or the
    national number with its trunk 0). The rule reads the tokens only, so the stored terms can
    be refolded without reading the records. Its end token is ``PHONE_END_MARK`` and the
    international digits reversed: the last digits of the number, reversed, are a prefix of it.
    """
    ordered = list(found)
    members = set(ordered)
    ends = []
    for token in ordered:
        if len(token) > MIN_PHONE_DIGITS and token.isascii() and token.isdigit():
            code = _country_code_length(token)
            if code and len(token) - code >= MIN_PHONE_DIGITS and token[code:] in members:
                ends.append(PHONE_END_MARK + token[::-1])
    return ends


def is_phone_end_token(token: str) -> bool:
    return (
        len(token) > 1
        and token[0] == PHONE_END_MARK
        and token[1:].isascii()
        and token[1:].isdigit()
    )


def phone_end_prefix(digits: str) -> str:
    """What the end tokens of the numbers ending with ``digits`` start with."""
    return PHONE_END_MARK + digits[::-1]


# Shorter words match too many documents for the index to be worth asking: they narrow the
# candidates afterwards (``ParsedQuery.matches``) or match the start of a title only.
MIN_INDEXED_LENGTH = 3
# At most this many words go to the index (the longest); the others narrow the candidates.
MAX_INDEXED_WORDS = 2

# (token, whether it matches as a prefix) pairs, ANDed.
Alternative = tuple[tuple[str, bool], ...]


def _long_enough(token: str, length: int = 2) -> bool:
    return len(token) >= length or any(map(is_unspaced_script, token))


def _longest(words: list[str]) -> list[str]:
    chosen = set(sorted(words, key=len, reverse=True)[:MAX_INDEXED_WORDS])
    return [w for w in words if w in chosen]


@dataclass(frozen=True)
class ParsedQuery:
    """What to look for.

    ``words`` are matched as word prefixes and ANDed; ``key`` is the query as a title would
    start; ``digits`` are a phone query's digits joined together (and without a leading 00),
    each an alternative to ``words``. ``complete`` counts the leading words that the person
    has finished typing: all but the last, or all when the query ends with a space or other
    separator.
    """

    words: tuple[str, ...]
    key: str
    digits: tuple[str, ...] = ()
    complete: int = 0
    # A phone query that starts with + or 0 (a country code, a trunk prefix) is the start of a
    # number, never its middle.
    anchored: bool = False
    # It starts with + (a country code): enough digits are counted after the country code,
    # since "+91 812" is the start of most numbers of a country, not of one.
    international: bool = False

    @property
    def is_phone(self) -> bool:
        return bool(self.digits)

    @property
    def phone_digits(self) -> tuple[str, ...]:
        """The digits matched as the start or end of a phone number: when there are enough."""
        if self.international:
            return tuple(
                d for d in self.digits if len(d) - _country_code_length(d) >= MIN_PHONE_DIGITS
            )
        return tuple(d for d in self.digits if len(d) >= MIN_PHONE_DIGITS)

    def alternatives(self) -> list[tuple[str, ...]]:
        return list(dict.fromkeys([*((d,) for d in self.digits), self.words]))

    def indexed_alternatives(self, *, all_prefixes: bool = False) -> list[Alternative]:
        """The alternatives as the full-text index is asked, cheap to answer.

        Finished words are looked up whole: one posting list each. The word being typed is
        looked up as a prefix only when it is the only one, since a short prefix unions the
        lists of every word it starts; otherwise it narrows the candidates afterwards.
        ``all_prefixes`` asks for every long word as a prefix (when the finished words were
        themselves unfinished, and nothing was found). A phone number is looked up by its digits
        once there are enough of them to be selective: as the start of a digit form, and unless
        the query starts with + or 0, as the start of an end token (the end of the number).
        """
        if self.digits:
            phones: list[Alternative] = [((d, True),) for d in self.phone_digits]
            if not self.anchored:
                phones += [((phone_end_prefix(d), True),) for d in self.phone_digits]
            if phones or self.anchored:
                return phones
            # Too few digits for a phone number: the numbers typed, looked up whole ("2026").
            return [tuple((w, False) for w in _longest(list(self.words)))]
        found: list[Alternative] = []
        finished = [w for w in self.words[: self.complete] if _long_enough(w)]
        if finished and not all_prefixes:
            found.append(tuple((w, False) for w in _longest(finished)))
        else:
            strong = [w for w in self.words if _long_enough(w, MIN_INDEXED_LENGTH)]
            if strong:
                found.append(tuple((w, True) for w in _longest(strong)))
        return list(dict.fromkeys(found))

    def matches(self, terms: str) -> bool:
        """Whether a document's terms contain every word of an alternative as a word prefix;
        for a phone query, whether a number starts or ends with its digits (``matches_phone``)."""
        words = terms.split()
        if self.phone_digits:
            return self.matches_phone(words)
        return any(
            all(any(word.startswith(token) for word in words) for token in alternative)
            for alternative in self.alternatives()
        )

    def matches_phone(self, words: list[str]) -> bool:
        """Whether one of the document's phone numbers starts with the query's digits (one of
        its digit forms does) or ends with them, or a token is those digits exactly.

        The index finds every token that starts with the digits, an email's or a name's too: a
        digit form is told from them by its last digits, the same as its number's.
        """
        numbers = [w[:0:-1] for w in words if is_phone_end_token(w)]
        tails = {n[-MIN_PHONE_DIGITS:] for n in numbers}
        forms = [w for w in words if w.isdigit() and w[-MIN_PHONE_DIGITS:] in tails]
        return any(
            d in words
            or any(form.startswith(d) for form in forms)
            or (not self.anchored and any(n.endswith(d) for n in numbers))
            for d in self.phone_digits
        )


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if unicodedata.category(c) == "Nd")


def parse_query(raw: str) -> ParsedQuery | None:
    """Turn what the user typed into tokens; None when there is nothing worth searching for.

    A query needs at least one token of two characters (or one character of a script written
    without spaces): a single letter matches too much to be useful.
    """
    normal = unicodedata.normalize("NFKC", raw or "")
    text = normal.strip()
    words = tuple(tokens(text)[:MAX_QUERY_TOKENS])
    if not words or not any(map(_long_enough, words)):
        return None
    key = " ".join(words)
    finished_all = not _kind(fold(normal)[-1]) or len(tokens(text)) > MAX_QUERY_TOKENS
    complete = len(words) if finished_all else len(words) - 1
    digits: list[str] = []
    if _PHONE_QUERY.fullmatch(text):
        joined = _ascii_digits(text)[:MAX_TOKEN_LENGTH]
        digits.append(joined)
        if joined.startswith("00") and len(joined) > 4:
            # 00 is the international call prefix in most countries: 0091... means +91...
            digits.append(joined[2:])
        # A phone number is typed as one: its groups are not words to look up one by one.
        complete = 0
    # A + (perhaps in parentheses: "(+91)") or a first digit 0 is a country code or a trunk
    # prefix: the start of a number.
    international = bool(digits) and text.lstrip("( ").startswith("+")
    anchored = international or (bool(digits) and digits[0].startswith("0"))
    return ParsedQuery(words, key, tuple(dict.fromkeys(digits)), complete, anchored, international)


def fts5_query(alternatives: list[Alternative]) -> str:
    """The FTS5 MATCH expression: quoted tokens (``*`` for a prefix), ANDed, alternatives ORed."""
    parts = [
        "(" + " AND ".join(f'"{t}"*' if prefix else f'"{t}"' for t, prefix in alternative) + ")"
        for alternative in alternatives
    ]
    return " OR ".join(parts)


def tsquery(alternatives: list[Alternative]) -> str:
    """The PostgreSQL to_tsquery text: quoted tokens (``:*`` for a prefix), ANDed, alternatives
    ORed. Tokens hold only letters, marks and digits, so never a quote or backslash."""
    parts = [
        "(" + " & ".join(f"'{t}':*" if prefix else f"'{t}'" for t, prefix in alternative) + ")"
        for alternative in alternatives
    ]
    return " | ".join(parts)
