"""Search terms for a million documents, as ``search.text`` makes them, faster."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sambandh.search import text as search_text


class Terms:
    """``search.text.title_key`` and ``index_terms``, with the tokens of repeated texts (names,
    companies, domains) cached and plain-ASCII texts (emails, phone digits) split by a regular
    expression: the same result (tests compare them with ``search_document_build``) in a small
    part of the time, which matters for a million documents."""

    ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")
    MAX_CACHED = 400_000

    def __init__(self) -> None:
        self.cache: dict[str, tuple[list[str], list[str]]] = {}

    def tokens(self, text: str) -> tuple[list[str], list[str]]:
        """The text's tokens, and the same with the suffixes ``index_terms`` adds."""
        if text.isascii():
            found = [
                t[: search_text.MAX_TOKEN_LENGTH] for t in self.ASCII_TOKEN.findall(text.lower())
            ]
            return found, found
        cached = self.cache.get(text)
        if cached is None:
            plain = search_text.tokens(text)
            expanded: list[str] = []
            for token in plain:
                expanded.append(token)
                if 1 < len(token) <= search_text.MAX_SUFFIXED_LENGTH and any(
                    map(search_text.is_unspaced_script, token)
                ):
                    expanded.extend(token[start:] for start in range(1, len(token)))
            cached = (plain, expanded)
            if len(self.cache) < self.MAX_CACHED:
                self.cache[text] = cached
        return cached

    def title_key(self, title: str) -> str:
        return " ".join(self.tokens(title)[0])[:300]

    def index_terms(self, title: str, subtitle: str, words: Sequence[str]) -> str:
        seen: dict[str, None] = {}
        # " · " holds no token character, so the subtitle's parts tokenize as the whole does.
        for text in (title, *subtitle.split(" · "), *words):
            for token in self.tokens(text or "")[1]:
                seen[token] = None
        for token in search_text.phone_end_tokens(seen):
            seen[token] = None
        return " ".join(seen)
