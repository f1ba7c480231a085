"""The small demo's named people: the manager, the sales reps (their teams, and the cultures
and countries whose records they own), and the featured first person of some cultures."""

from __future__ import annotations

from sambandh.demo.common import Identity

MANAGER = ("meera.iyer@example.com", "Meera Iyer", "en", "Asia/Kolkata", "INR")
# email, name, language, time zone, currency, team, cultures whose people they own
REPS = (
    ("ravi.kumar@example.com", "Ravi Kumar", "te", "Asia/Kolkata", "INR", "India", ("te", "en-IN")),
    ("hetal.patel@example.com", "Hetal Patel", "gu", "Asia/Kolkata", "INR", "India", ("gu",)),
    ("vikram.singh@example.com", "विक्रम सिंह", "hi", "Asia/Kolkata", "INR", "India", ("hi",)),
    (
        "lucia.fernandez@example.com",
        "Lucía Fernández",
        "es",
        "Europe/Madrid",
        "EUR",
        "Europe",
        ("es", "fr"),
    ),
    (
        "oliver.bennett@example.com",
        "Oliver Bennett",
        "en",
        "Europe/London",
        "GBP",
        "Europe",
        ("en-GB", "de"),
    ),
    (
        "beatriz.santos@example.com",
        "Beatriz Santos",
        "pt-br",
        "America/Sao_Paulo",
        "BRL",
        "Americas",
        ("pt-BR", "es-MX"),
    ),
    (
        "michael.carter@example.com",
        "Michael Carter",
        "en",
        "America/New_York",
        "USD",
        "Americas",
        ("en",),
    ),
    (
        "yui.nakamura@example.com",
        "中村 結衣",
        "ja",
        "Asia/Tokyo",
        "JPY",
        "Japan & Middle East",
        ("ja", "zh"),
    ),
    (
        "omar.almansoori@example.com",
        "عمر المنصوري",
        "ar",
        "Asia/Dubai",
        "AED",
        "Japan & Middle East",
        ("ar",),
    ),
)
COUNTRY_REPS = {
    "IN": ("ravi.kumar@example.com", "hetal.patel@example.com", "vikram.singh@example.com"),
    "ES": ("lucia.fernandez@example.com",),
    "FR": ("lucia.fernandez@example.com",),
    "GB": ("oliver.bennett@example.com",),
    "DE": ("oliver.bennett@example.com",),
    "BR": ("beatriz.santos@example.com",),
    "MX": ("beatriz.santos@example.com",),
    "US": ("michael.carter@example.com",),
    "JP": ("yui.nakamura@example.com",),
    "CN": ("yui.nakamura@example.com",),
    "AE": ("omar.almansoori@example.com",),
    "SA": ("omar.almansoori@example.com",),
}


# The first person of these cultures: names the README and the tests can point to. Arabic shows a
# name kept whole (no given/family split).
FEATURED = {
    "te": Identity("సుబ్బలక్ష్మి", "రావు", "సుబ్బలక్ష్మి రావు", False, "subbalakshmi", "rao"),
    "gu": Identity("જયેશ", "પટેલ", "જયેશ પટેલ", False, "jayesh", "patel"),
    "hi": Identity("अनन्या", "शर्मा", "अनन्या शर्मा", False, "ananya", "sharma"),
    "en-IN": Identity("Ravi", "Kumar", "Ravi Kumar", False, "ravi", "kumar"),
    "ar": Identity("", "", "فاطمة الزهراء", True, "fatima", "alzahra"),
    "ja": Identity("健", "佐藤", "佐藤 健", True, "ken", "sato"),
    "zh": Identity("芳", "王", "王芳", True, "fang", "wang"),
    "pt-BR": Identity("João", "Conceição", "João Conceição", False, "joao", "conceicao"),
}
