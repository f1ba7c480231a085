"""One source row as the owning service's input: the mapped cells (target key -> text), cleaned
the way the service will clean them (so a plan can compare them with a record, find its
duplicates by normalized email, and name what is wrong, column by column), plus what the apply
step still has to find or make by name (an organization, a pipeline's stage, an owner).

A cell that does not clean is a reason ({"field": its column, "message": why}); a row with a
reason is rejected, whole. Empty cells are not sent: an import never blanks a field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sambandh.core.cleaning import (
    clean_currency,
    clean_domain,
    clean_email,
    clean_language,
    clean_long_text,
    clean_phone,
    clean_text,
    clean_time_zone,
)
from sambandh.core.errors import ValidationFailed
from sambandh.imports.engine import values as cells_to
from sambandh.imports.sources import SourceRow

#: Targets whose several columns are joined instead of refused as doubles.
JOINED = {"tags": ", ", "description": "\n\n"}
PERSON_PHONES = (
    ("phone", ""),
    ("work_phone", "work"),
    ("mobile_phone", "mobile"),
    ("home_phone", "home"),
    ("other_phone", "other"),
    ("fax", "fax"),
)


@dataclass
class Prepared:
    """A row ready to be matched and written."""

    number: int
    #: The service input by its names (PersonIn, OrganizationIn, LeadIn, DealIn), only what
    #: the row sends, cleaned.
    data: dict[str, Any] = field(default_factory=dict)
    reasons: list[dict[str, str]] = field(default_factory=list)
    #: Cells left out of a row that is written anyway (the job's ``bad_cells`` is "skip"): each
    #: {"field": its column, "message": why}, shown beside the row's outcome.
    skipped: list[dict[str, str]] = field(default_factory=list)
    external_id: str = ""
    #: Normalized emails and E.164 phones (duplicates, suppression).
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    #: Names the apply step resolves: {"organization": "Acme"} (found, else created),
    #: {"parent": ...}, {"pipeline": ..., "stage": ...}, {"person": ...}.
    names: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        return bool(self.reasons)

    def refuse(self, column: str, message: str) -> None:
        self.reasons.append({"field": column, "message": str(message)})


@dataclass
class Context:
    """What preparing a job's rows needs, built once per job."""

    record_type: str
    mapping: dict[str, str]
    external_id_column: str = ""
    #: A cell that does not clean leaves the row out ("reject", the default) or only itself
    #: ("skip": the row is written without it, the cell named in the row's report).
    bad_cells: str = "reject"
    #: custom field key -> its definition.
    custom: dict[str, Any] = field(default_factory=dict)
    #: The owner's country: national phone numbers are read in it when the row names none.
    default_region: str = ""
    #: owner text (email or name, folded) -> user id; filled by the plan.
    owners: dict[str, int | None] = field(default_factory=dict)
    header_of: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for header, target in self.mapping.items():
            if target:
                self.header_of.setdefault(target, header)
        if self.external_id_column:
            self.header_of["external_id"] = self.external_id_column

    def cells(self, row: SourceRow) -> dict[str, str]:
        """The row's text by target key (columns of a joined target joined)."""
        out: dict[str, str] = {}
        for header, target in self.mapping.items():
            if not target or (target == "external_id" and self.external_id_column):
                continue
            text = (row.values.get(header) or "").strip()
            if not text:
                continue
            if target in out and target in JOINED:
                out[target] = out[target] + JOINED[target] + text
            else:
                out.setdefault(target, text)
        if self.external_id_column:
            value = (row.values.get(self.external_id_column) or "").strip()
            if value:
                out["external_id"] = value
        return out

    def column(self, target: str) -> str:
        return self.header_of.get(target, target)


class _Cleaner:
    """Runs the cleaners of one row, turning each refusal into a reason on its column."""

    def __init__(self, ctx: Context, cells: dict[str, str], prepared: Prepared) -> None:
        self.ctx, self.cells, self.out = ctx, cells, prepared

    def run(self, target: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            message = next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message
            if self.ctx.bad_cells == "skip":
                column = self.ctx.column(target)
                self.out.skipped.append(
                    {"field": column, "message": _("Left out: %(why)s") % {"why": message}}
                )
            else:
                self.out.refuse(self.ctx.column(target), message)
            return None

    def text(self, target: str, name: str, max_length: int) -> None:
        raw = self.cells.get(target)
        if raw:
            value = self.run(target, clean_text, raw, field=target, max_length=max_length)
            if value:
                self.out.data[name] = value

    def long_text(self, target: str, name: str) -> None:
        raw = self.cells.get(target)
        if raw:
            value = self.run(target, clean_long_text, raw, field=target)
            if value:
                self.out.data[name] = value

    def coded(self, target: str, name: str, fn: Callable[..., str]) -> None:
        raw = self.cells.get(target)
        if raw:
            value = self.run(target, fn, raw, field=target)
            if value:
                self.out.data[name] = value

    def country(self, target: str) -> str:
        raw = self.cells.get(target, "")
        return (self.run(target, cells_to.country_code, raw, field=target) or "") if raw else ""

    def email(self, target: str) -> str:
        raw = self.cells.get(target)
        return (self.run(target, clean_email, raw, field=target) or "") if raw else ""

    def phone(self, target: str, region: str) -> str:
        raw = self.cells.get(target)
        if not raw:
            return ""
        return self.run(target, clean_phone, raw[:60], region=region or None, field=target) or ""

    def tags(self) -> None:
        raw = self.cells.get("tags")
        if raw:
            names: list[str] = []
            for tag in cells_to.split_tags(raw):
                name = self.run("tags", clean_text, tag, field="tags", max_length=60)
                if name and name.casefold() not in {n.casefold() for n in names}:
                    names.append(name)
            if len(names) > 50:
                self.out.refuse(self.ctx.column("tags"), _("At most %(n)s tags.") % {"n": 50})
            elif names:
                self.out.data["tags"] = names

    def custom(self) -> None:
        values = {}
        for target, raw in self.cells.items():
            if not target.startswith("custom."):
                continue
            key = target.removeprefix("custom.")
            cf = self.ctx.custom.get(key)
            if cf is None:
                self.out.refuse(self.ctx.column(target), _("Unknown custom field."))
                continue
            value = self.run(target, cells_to.custom_value, cf, raw, field=target)
            if value not in (None, "", []):
                values[key] = value
        if values:
            self.out.data["custom"] = values

    def names(self, *targets: str) -> None:
        for target in targets:
            raw = self.cells.get(target)
            if raw:
                value = self.run(target, clean_text, raw, field=target, max_length=200)
                if value:
                    self.out.names[target] = value

    def address(self, prefix: str, label: str, region_fallback: str) -> dict[str, Any] | None:
        street = "\n".join(
            self.cells[k]
            for k in (f"{prefix}street", f"{prefix}street_2", f"{prefix}street_3")
            if self.cells.get(k)
        )
        parts = {
            "street": street[:500],
            "city": self.cells.get(f"{prefix}city", "")[:100],
            "region": self.cells.get(f"{prefix}region", "")[:100],
            "postal_code": self.cells.get(f"{prefix}postal_code", "")[:20],
            # The record's own country column is cleaned once, by the caller.
            "country": self.country(f"{prefix}country") if prefix else region_fallback,
        }
        if not any(v for k, v in parts.items() if k != "country" or prefix):
            return None
        if not parts["country"] and region_fallback:
            parts["country"] = region_fallback
        return {**parts, "label": label, "is_primary": False}


def _label(cells: dict[str, str], target: str, default: str = "") -> str:
    """The label a ``<target>_label`` column gives a contact point (Google Contacts' "Phone 1 -
    Label": "* Mobile", "Work ::: Home"): its first label, without Google's primary mark."""
    text = (cells.get(f"{target}_label") or "").split(":::")[0].strip().lstrip("*").strip()
    return " ".join(text.split())[:40] or default


def _primary(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if items:
        items[0]["is_primary"] = True
    return items


def _start(ctx: Context, row: SourceRow) -> tuple[Prepared, _Cleaner]:
    prepared = Prepared(number=row.number)
    if row.error:
        prepared.refuse("", row.error)
    cells = ctx.cells(row)
    prepared.external_id = cells.get("external_id", "")[:255]
    cleaner = _Cleaner(ctx, cells, prepared)
    if cells.get("owner"):
        prepared.names["owner"] = cells["owner"][:254]
    return prepared, cleaner


def prepare_person(ctx: Context, row: SourceRow) -> Prepared:
    out, c = _start(ctx, row)
    cells = c.cells
    for target, max_length in (
        ("full_name", 200),
        ("honorific", 40),
        ("family_name", 100),
        ("job_title", 150),
        ("source", 100),
    ):
        c.text(target, target, max_length)
    given = " ".join(x for x in (cells.get("given_name"), cells.get("middle_name")) if x)
    if given:
        cells["given_name"] = given
        c.text("given_name", "given_name", 100)
    c.coded("preferred_language", "preferred_language", clean_language)
    c.coded("time_zone", "time_zone", clean_time_zone)
    c.coded("currency", "currency", clean_currency)
    country = c.country("country")
    if country:
        out.data["country"] = country
    description = "\n\n".join(x for x in (cells.get("description"), cells.get("website")) if x)
    if description:
        cells["description"] = description
        c.long_text("description", "description")
    if cells.get("birth_date"):
        day = c.run("birth_date", cells_to.parse_date, cells["birth_date"], field="birth_date")
    else:
        day = c.run(
            "birth_year",
            cells_to.birth_date_from_parts,
            cells.get("birth_year", ""),
            cells.get("birth_month", ""),
            cells.get("birth_day", ""),
            field="birth_date",
        )
    if day:
        out.data["birth_date"] = day
    addresses = [
        a
        for a in (
            c.address("", _label(c.cells, "address", "work"), country),
            c.address("home_", "home", country),
        )
        if a is not None
    ]
    region = country or next((a["country"] for a in addresses if a["country"]), "")
    region = region or ctx.default_region
    emails = [(c.email(t), _label(c.cells, t)) for t in ("email", "email_2", "email_3")]
    email_labels = {e: label for e, label in reversed(emails) if e}
    out.emails = list(dict.fromkeys(e for e, _label_text in emails if e))
    phones = [(c.phone(t, region), _label(c.cells, t, label)) for t, label in PERSON_PHONES]
    seen: set[str] = set()
    phone_items: list[dict[str, Any]] = []
    for number, label in phones:
        if number and number not in seen:
            seen.add(number)
            phone_items.append({"number": number, "label": label, "is_primary": False})
    out.phones = [str(p["number"]) for p in phone_items]
    if out.emails:
        out.data["emails"] = _primary(
            [{"email": e, "label": email_labels[e], "is_primary": False} for e in out.emails]
        )
    if phone_items:
        out.data["phones"] = _primary(phone_items)
    if addresses:
        out.data["addresses"] = _primary(addresses)
    c.tags()
    c.custom()
    c.names("organization")
    if not any(out.data.get(k) for k in ("full_name", "given_name", "family_name")):
        fallback = out.emails[0] if out.emails else ""
        if fallback:
            out.data["full_name"] = fallback
        else:
            out.refuse(
                ctx.column("full_name"), _("Enter a name: a full name, or a given or family name.")
            )
    return out


def prepare_organization(ctx: Context, row: SourceRow) -> Prepared:
    out, c = _start(ctx, row)
    cells = c.cells
    c.text("name", "name", 200)
    c.text("industry", "industry", 100)
    c.coded("domain", "domain", clean_domain)
    if cells.get("website"):
        website = cells["website"].strip()
        if "://" not in website:
            website = "https://" + website
        out.data["website"] = website[:300]
        if "domain" not in out.data:
            domain = c.run("website", clean_domain, website, field="website")
            if domain:
                out.data["domain"] = domain
    if cells.get("size"):
        out.data["size"] = cells["size"].strip()
    elif cells.get("employees"):
        band = c.run(
            "employees", cells_to.size_from_employees, cells["employees"], field="employees"
        )
        if band:
            out.data["size"] = band
    c.long_text("description", "description")
    c.coded("currency", "currency", clean_currency)
    c.coded("time_zone", "time_zone", clean_time_zone)
    country = c.country("country")
    if country:
        out.data["country"] = country
    region = country or ctx.default_region
    email = c.email("email")
    if email:
        out.emails = [email]
        out.data["emails"] = [{"email": email, "label": "", "is_primary": True}]
    phones: list[dict[str, Any]] = []
    for target, label in (("phone", ""), ("fax", "fax")):
        number = c.phone(target, region)
        if number and number not in {p["number"] for p in phones}:
            phones.append({"number": number, "label": label, "is_primary": False})
    if phones:
        out.phones = [str(p["number"]) for p in phones]
        out.data["phones"] = _primary(phones)
    address = c.address("", "", country)
    if address:
        out.data["addresses"] = _primary([address])
    c.tags()
    c.custom()
    c.names("parent")
    if not out.data.get("name"):
        out.refuse(ctx.column("name"), _("Enter the organization's name."))
    return out


LEAD_STATUSES = ("new", "contacted", "qualified", "unqualified")


def _lead_status(text: str, *, field: str) -> str:
    from sambandh.sales.models import Lead

    folded = text.strip().casefold()
    for value, label in Lead.Status.choices:
        if value in LEAD_STATUSES and folded in (value, str(label).casefold()):
            return value
    raise ValidationFailed(fields={field: _("Choose new, contacted, qualified or unqualified.")})


def prepare_lead(ctx: Context, row: SourceRow) -> Prepared:
    out, c = _start(ctx, row)
    cells = c.cells
    if not cells.get("full_name"):
        joined = " ".join(x for x in (cells.get("given_name"), cells.get("family_name")) if x)
        if joined:
            cells["full_name"] = joined
    c.text("full_name", "full_name", 200)
    c.text("company", "company", 200)
    c.text("job_title", "job_title", 150)
    c.text("source", "source", 100)
    c.coded("preferred_language", "preferred_language", clean_language)
    c.long_text("description", "description")
    c.coded("status", "status", _lead_status)
    country = c.country("country")
    if country:
        out.data["country"] = country
    email = c.email("email")
    if email:
        out.emails = [email]
        out.data["email"] = email
    phone = c.phone("phone", country or ctx.default_region)
    if phone:
        out.phones = [phone]
        out.data["phone"] = phone
    c.tags()
    c.custom()
    if not out.data.get("full_name"):
        out.refuse(ctx.column("full_name"), _("Enter the lead's name."))
    return out


def _probability(text: str, *, field: str) -> int:
    value = cells_to.number(text.replace("%", ""), field=field)
    if not 0 <= value <= 100:
        raise ValidationFailed(fields={field: _("Enter a percentage from 0 to 100.")})
    return int(value)


def prepare_deal(ctx: Context, row: SourceRow) -> Prepared:
    out, c = _start(ctx, row)
    cells = c.cells
    c.text("name", "name", 200)
    c.text("source", "source", 100)
    c.long_text("description", "description")
    c.coded("currency", "currency", clean_currency)
    if cells.get("amount"):
        amount = cells_to.amount_text(cells["amount"])
        if not amount:
            out.refuse(ctx.column("amount"), _("Enter a number."))
        else:
            out.data["amount"] = amount
    if cells.get("probability"):
        value = c.run("probability", _probability, cells["probability"], field="probability")
        if value is not None:
            out.data["probability"] = value
    if cells.get("expected_close_date"):
        day = c.run(
            "expected_close_date",
            cells_to.parse_date,
            cells["expected_close_date"],
            field="expected_close_date",
        )
        if day:
            out.data["expected_close_date"] = day
    if cells.get("closed_on"):
        # The actual close date: the deal's closed_at when its stage is won or lost, and its
        # expected close date too when the file gives none (an open deal keeps the date there).
        day = c.run("closed_on", cells_to.parse_date, cells["closed_on"], field="closed_on")
        if day:
            out.data["closed_on"] = day
            out.data.setdefault("expected_close_date", day)
    c.tags()
    c.custom()
    c.names("pipeline", "stage", "organization", "person")
    if not out.data.get("name"):
        out.refuse(ctx.column("name"), _("Enter the deal's name."))
    return out


PREPARE: dict[str, Callable[[Context, SourceRow], Prepared]] = {
    "people": prepare_person,
    "organizations": prepare_organization,
    "leads": prepare_lead,
    "deals": prepare_deal,
}
