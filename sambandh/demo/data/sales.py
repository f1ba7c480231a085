"""Organization sizes, deal amounts and products, sources, tags, and why deals are won or lost."""

from __future__ import annotations

SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+")

# Deal amounts: (smallest, largest, step) in the currency's own unit.
AMOUNT_RANGES: dict[str, tuple[int, int, int]] = {
    "INR": (200_000, 25_000_000, 5_000),
    "USD": (5_000, 400_000, 500),
    "EUR": (5_000, 300_000, 500),
    "GBP": (4_000, 250_000, 500),
    "BRL": (20_000, 1_500_000, 1_000),
    "JPY": (500_000, 40_000_000, 10_000),
    "AED": (20_000, 1_500_000, 1_000),
}

PRODUCTS = (
    "CRM rollout, {n} seats",
    "Annual licence",
    "Analytics add-on",
    "Implementation services",
    "Expansion: {n} seats",
    "Pilot project",
    "Data migration",
    "Support upgrade",
    "Training programme",
    "Integration package",
)

LEAD_SOURCES = ("Website", "Referral", "Trade show", "LinkedIn", "Cold call", "Partner", "Webinar")
PERSON_SOURCES = ("Website", "Referral", "Trade show", "LinkedIn", "Import", "Partner", "Event")
TAG_NAMES = ("VIP", "Decision maker", "Champion", "Newsletter", "Partner", "Key account")

LOST_REASONS = (
    "Price too high",
    "Chose a competitor",
    "No budget this year",
    "Project cancelled",
    "No response",
)
WON_REASONS = (
    "Best fit for multi-country teams",
    "Local language support",
    "Price",
    "Strong references",
)
