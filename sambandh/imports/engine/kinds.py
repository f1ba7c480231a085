"""What the engine needs to know of each record type it writes: its model, the service that
creates one, what a record holds now by its input names (to compare a row with it and keep
what an update replaced, for undo), and how a row's values change it.

Updates go through the registry's ``update`` hook (the PATCH body's names and checks, the
owning app's service), creates through the owning app's create service with its typed input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

#: Lists an update adds to (a row never removes an email, a phone, a tag ...), and the key
#: that tells their items apart.
LIST_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "emails": lambda item: item.get("email", "").casefold(),
    "phones": lambda item: item.get("number", ""),
    "addresses": lambda item: (
        item.get("street", "").casefold(),
        item.get("city", "").casefold(),
        item.get("postal_code", "").replace(" ", "").casefold(),
        item.get("country", ""),
    ),
}


def _create_person(actor: Any, data: dict[str, Any]) -> Any:
    from sambandh.contacts.schemas import PersonIn
    from sambandh.contacts.services import person_create

    return person_create(actor=actor, data=PersonIn.build(data))


def _create_organization(actor: Any, data: dict[str, Any]) -> Any:
    from sambandh.contacts.schemas import OrganizationIn
    from sambandh.contacts.services import organization_create

    return organization_create(actor=actor, data=OrganizationIn.build(data))


def _create_lead(actor: Any, data: dict[str, Any]) -> Any:
    from sambandh.sales.schemas import LeadIn
    from sambandh.sales.services import lead_create

    return lead_create(actor=actor, data=LeadIn.build(data))


def _create_deal(actor: Any, data: dict[str, Any]) -> Any:
    from sambandh.sales.schemas import DealIn
    from sambandh.sales.services import deal_create

    return deal_create(actor=actor, data=DealIn.build(data))


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _points(record: Any) -> dict[str, list[dict[str, Any]]]:
    card = getattr(record, "contact_card", None)
    if card is not None:
        return {
            "emails": [
                {
                    "email": e.get("email", ""),
                    "label": e.get("label", ""),
                    "is_primary": bool(e.get("is_primary")),
                }
                for e in card.get("emails") or []
            ],
            "phones": [
                {
                    "number": p.get("number", ""),
                    "label": p.get("label", ""),
                    "is_primary": bool(p.get("is_primary")),
                }
                for p in card.get("phones") or []
            ],
            "addresses": [
                {
                    k: a.get(k, "" if k != "is_primary" else False)
                    for k in (
                        "street",
                        "city",
                        "region",
                        "postal_code",
                        "country",
                        "label",
                        "is_primary",
                    )
                }
                for a in card.get("addresses") or []
            ],
        }
    return {
        "emails": [
            {"email": e.email, "label": e.label, "is_primary": e.is_primary}
            for e in record.emails.all()
        ],
        "phones": [
            {"number": p.e164, "label": p.label, "is_primary": p.is_primary}
            for p in record.phones.all()
        ],
        "addresses": [
            {
                "street": a.street,
                "city": a.city,
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
                "label": a.label,
                "is_primary": a.is_primary,
            }
            for a in record.addresses.all()
        ],
    }


@dataclass(frozen=True)
class Kind:
    record_type: str  # "people"
    key: str  # the registry's: "person"
    model_label: str
    create: Callable[[Any, dict[str, Any]], Any]
    #: Plain fields, by input name (== attribute name, or ``attr`` for links).
    scalars: tuple[str, ...]
    links: tuple[str, ...] = ()  # organization_id, owner_id, stage_id, parent_id
    lists: tuple[str, ...] = ()  # emails, phones, addresses
    has_tags: bool = True
    summary_field: str = "name"

    @property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    def current(self, record: Any) -> dict[str, Any]:
        """The record's values by input name, as an update would send them back."""
        out: dict[str, Any] = {name: _plain(getattr(record, name)) for name in self.scalars}
        for name in self.links:
            out[name] = getattr(record, name)
        if self.lists:
            out.update(_points(record))
        if self.has_tags:
            names = getattr(record, "tag_names", None)
            out["tags"] = (
                list(names) if isinstance(names, list) else [t.name for t in record.tags.all()]
            )
        if self.key == "deal":
            out["person_ids"] = sorted(record.people.values_list("pk", flat=True))
        out["custom"] = dict(record.custom or {})
        return out

    def changes(self, record: Any, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """What an update with the row's ``data`` sends (its values that differ from the
        record's; lists and tags added to, custom fields by key), and what it replaces."""
        now = self.current(record)
        patch: dict[str, Any] = {}
        before: dict[str, Any] = {}
        for name, value in data.items():
            if name in LIST_KEYS:
                key = LIST_KEYS[name]
                have = {key(item) for item in now[name]}
                new = [dict(item, is_primary=False) for item in value if key(item) not in have]
                if new:
                    items = [dict(item) for item in now[name]] + new
                    if not now[name]:
                        items[0]["is_primary"] = True
                    patch[name], before[name] = items, now[name]
            elif name == "tags":
                have = {t.casefold() for t in now["tags"]}
                new = [t for t in value if t.casefold() not in have]
                if new:
                    patch[name], before[name] = now["tags"] + new, now["tags"]
            elif name == "person_ids":
                new = [pk for pk in value if pk not in now["person_ids"]]
                if new:
                    patch[name], before[name] = now["person_ids"] + new, now["person_ids"]
            elif name == "closed_on":
                continue  # a deal's close date is its stage's to set once it exists
            elif name == "custom":
                differ = {k: v for k, v in value.items() if now["custom"].get(k) != v}
                if differ:
                    patch[name] = differ
                    before[name] = {k: now["custom"].get(k) for k in differ}
            elif _plain(value) != now.get(name):
                if name == "amount" and now.get(name) is not None:
                    try:
                        from decimal import Decimal

                        if Decimal(str(value)) == Decimal(str(now[name])):
                            continue
                    except ArithmeticError:
                        pass
                patch[name], before[name] = value, now.get(name)
        return patch, before


KINDS: dict[str, Kind] = {
    "people": Kind(
        record_type="people",
        key="person",
        model_label="contacts.Person",
        create=_create_person,
        scalars=(
            "full_name",
            "honorific",
            "given_name",
            "family_name",
            "job_title",
            "birth_date",
            "country",
            "source",
            "preferred_language",
            "time_zone",
            "currency",
            "description",
        ),
        links=("organization_id", "owner_id"),
        lists=("emails", "phones", "addresses"),
        summary_field="full_name",
    ),
    "organizations": Kind(
        record_type="organizations",
        key="organization",
        model_label="contacts.Organization",
        create=_create_organization,
        scalars=(
            "name",
            "domain",
            "website",
            "industry",
            "size",
            "description",
            "country",
            "currency",
            "time_zone",
        ),
        links=("parent_id", "owner_id"),
        lists=("emails", "phones", "addresses"),
    ),
    "leads": Kind(
        record_type="leads",
        key="lead",
        model_label="sales.Lead",
        create=_create_lead,
        scalars=(
            "full_name",
            "company",
            "job_title",
            "email",
            "phone",
            "status",
            "source",
            "country",
            "preferred_language",
            "description",
        ),
        links=("owner_id",),
        summary_field="full_name",
    ),
    "deals": Kind(
        record_type="deals",
        key="deal",
        model_label="sales.Deal",
        create=_create_deal,
        scalars=(
            "name",
            "amount",
            "currency",
            "probability",
            "expected_close_date",
            "source",
            "description",
        ),
        links=("stage_id", "organization_id", "owner_id"),
    ),
}
