"""The cleansing rules every write path calls (core/cleaning.py, core/names.py,
core/countries.py, core/addresses.py), one rule at a time."""

from __future__ import annotations

import pytest

from sambandh.core.addresses import normalized_postal_code, normalized_region
from sambandh.core.cleaning import (
    clean_country,
    clean_email,
    clean_language,
    clean_person_names,
    clean_text,
)
from sambandh.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ASHA RAO", "Asha Rao"),
        ("asha rao", "Asha Rao"),
        ("PATRICK O'BRIEN", "Patrick O'Brien"),
        ("ronald mcdonald", "Ronald McDonald"),
        ("JAN VAN DER BERG", "Jan van der Berg"),
        ("juan de la cruz", "Juan de la Cruz"),
        ("anne-marie dubois-leroy", "Anne-Marie Dubois-Leroy"),
        ("henry ford iii", "Henry Ford III"),
        ("JOSÉ GARCÍA", "José García"),
        # mixed case is the writer's choice, and other scripts have no case to fix
        ("McDonald", "McDonald"),
        ("danah Boyd", "danah Boyd"),
        ("DeShawn JONES", "DeShawn JONES"),
        ("आशा राव", "आशा राव"),
        ("山田 太郎", "山田 太郎"),
        ("Ωmega SMITH", "Ωmega SMITH"),
    ],
)
def test_a_name_typed_in_one_case_is_put_in_name_case(typed, stored):
    assert clean_person_names({"full_name": typed}) == {"full_name": stored}


def test_the_parts_of_a_name_are_cased_together():
    assert clean_person_names({"given_name": "JAN", "family_name": "VAN DER BERG"}) == {
        "given_name": "Jan",
        "family_name": "van der Berg",
    }
    assert clean_person_names({"given_name": "de la", "family_name": "cruz"})["family_name"] == (
        "Cruz"
    )
    # one part in capitals beside a part in mixed case: both as typed
    assert clean_person_names({"given_name": "ASHA", "family_name": "Rao"}) == {
        "given_name": "ASHA",
        "family_name": "Rao",
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Asha \t\n  Rao  ", "Asha Rao"),
        ("\ufeffAsha\u200b Rao\u2060", "Asha Rao"),  # BOM, zero-width space, word joiner
        ("Asha\x07 Rao\x1b", "Asha Rao"),  # controls
        ("\u202eoaR ahsA", "oaR ahsA"),  # a bidirectional override
        ("Ame\u0301lie", "Amélie"),  # NFC: one code point for é
        ("\u200dAsha\u200c", "Asha"),  # joiners outside a word of a joining script
        ("कृष्\u200dण", "कृष्\u200dण"),  # a joiner inside a Devanagari word is kept
        ("ശ്രീ\u200cകുമാർ", "ശ്രീ\u200cകുമാർ"),  # and a non-joiner in Malayalam
    ],
)
def test_text_is_trimmed_collapsed_nfc_and_free_of_invisible_characters(typed, stored):
    assert clean_text(typed, field="name", max_length=100) == stored
    assert clean_person_names({"full_name": typed})["full_name"] == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("in", "IN"),
        ("IND", "IN"),
        ("India", "IN"),
        ("भारत", "IN"),
        ("インド", "IN"),
        ("ભારત", "IN"),
        ("భారతదేశం", "IN"),
        ("Inde", "IN"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("united states", "US"),
        ("Estados Unidos", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("ألمانيا", "DE"),
        ("Brasil", "BR"),
        ("côte d'ivoire", "CI"),
        ("The Netherlands", "NL"),
        ("  de ", "DE"),
        ("", ""),
    ],
)
def test_a_country_is_read_from_codes_and_names_in_every_product_language(typed, code):
    assert clean_country(typed) == code


@pytest.mark.parametrize("typed", ["Atlantis", "XX", "EU", "ZZ", "12", "U"])
def test_an_unknown_country_is_a_clear_error(typed):
    with pytest.raises(ValidationFailed) as error:
        clean_country(typed, field="country")
    assert error.value.fields == {
        "country": f"“{typed}” is not a country: write its name or its ISO code "
        "(for example IN or India)."
    }


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A   1AA", "GB", "SW1A 1AA"),
        ("bfpo61", "GB", "BFPO 61"),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("1234ab", "NL", "1234 AB"),
        ("1540023", "JP", "154-0023"),
        ("221621010", "US", "22162-1010"),
        ("95014", "US", "95014"),
        ("11000", "CZ", "110 00"),
        ("a65f4e2", "IE", "A65 F4E2"),
        ("560001", "IN", "560001"),
        ("nonsense", "GB", "NONSENSE"),  # not a code: kept, and address_errors refuses it
        ("abc 12", "", "abc 12"),  # no country: as typed
    ],
)
def test_postal_codes_are_written_as_their_country_writes_them(typed, country, stored):
    assert normalized_postal_code(typed, country) == stored


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("california", "US", "CA"),
        ("CA", "US", "CA"),
        ("Colombie-Britannique", "CA", "BC"),
        ("new south wales", "AU", "NSW"),
        ("andhra pradesh", "IN", "Andhra Pradesh"),
        ("आंध्र प्रदेश", "IN", "Andhra Pradesh"),
        ("Tokyo", "JP", "Tokyo"),  # Japan's keys are in kanji: the writer's script is kept
        ("Bavaria", "DE", "Bavaria"),  # no list for Germany: as typed
    ],
)
def test_regions_become_the_countrys_subdivision_keys(typed, country, stored):
    assert normalized_region(typed, country) == stored


def test_emails_are_validated_without_the_network_and_normalized():
    assert clean_email(" Asha.Rao@Example.IN ") == "asha.rao@example.in"
    for bad in ("asha@", "asha@example", "asha rao@example.in", "@example.in"):
        with pytest.raises(ValidationFailed):
            clean_email(bad)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("de", "de"),
        ("pt_BR", "pt-BR"),
        ("EN-us", "en-US"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("es-419", "es-419"),
        # names, as HubSpot, Zoho and spreadsheets export them
        ("German", "de"),
        ("hindi", "hi"),
        ("  Telugu ", "te"),
        ("Français", "fr"),
        ("francais", "fr"),
        ("Deutsch", "de"),
        ("हिन्दी", "hi"),
        ("ગુજરાતી", "gu"),
        ("日本語", "ja"),
        ("British English", "en-GB"),
        ("Portuguese (Brazil)", "pt-BR"),
        ("Portuguese - Brazil", "pt-BR"),
        ("English, United Kingdom", "en-GB"),
        ("Chinese (Simplified)", "zh-Hans"),
        ("Deutsch (Schweiz)", "de-CH"),
        ("", ""),
    ],
)
def test_a_language_is_read_from_its_tag_or_its_name(typed, stored):
    assert clean_language(typed) == stored


@pytest.mark.parametrize(
    "typed", ["Elvish", "English (Narnia)", "Portuguese (Mars)", "x" * 300, "(("]
)
def test_an_unknown_language_is_a_clear_error(typed):
    with pytest.raises(ValidationFailed) as caught:
        clean_language(typed, field="preferred_language")
    assert "is not a known language" in caught.value.fields["preferred_language"]
