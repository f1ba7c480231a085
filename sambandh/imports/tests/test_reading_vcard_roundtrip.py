"""What vobject writes (3.0, long lines folded, any script) reads back value for value."""

from __future__ import annotations

import tempfile
from pathlib import Path

import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from sambandh.imports.reading import open_table

_TEXT = (
    st.text(
        alphabet=st.sampled_from(list("abcXYZ éüñ名無しरामతెలుగుعربي,;:'\"-")),
        min_size=1,
        max_size=90,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _people(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    return [
        {
            "given": draw(_TEXT),
            "family": draw(_TEXT),
            "note": draw(_TEXT),
            "email": f"p{n}@example.org",
        }
        for n in range(count)
    ]


@settings(max_examples=40, deadline=None)
@given(_people(), st.sampled_from(["\r\n", "\n"]))
def test_cards_written_by_vobject_read_back(people, line_end):
    text = ""
    for person in people:
        card = vobject.vCard()
        card.add("n").value = vobject.vcard.Name(family=person["family"], given=person["given"])
        card.add("fn").value = f"{person['given']} {person['family']}"
        card.add("email").value = person["email"]
        card.add("note").value = person["note"]
        text += card.serialize().replace("\r\n", line_end)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cards.vcf"
        path.write_text(text, encoding="utf-8")
        rows = list(open_table(path).rows())
    assert [
        (row.values["Given name"], row.values["Family name"], row.values["Email"]) for row in rows
    ] == [(p["given"], p["family"], p["email"]) for p in people]
    assert [row.values["Note"] for row in rows] == [p["note"] for p in people]
    assert all(row.error == "" for row in rows)
