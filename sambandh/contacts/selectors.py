"""Reads for people and organizations, always through the viewer's visibility."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from sambandh.accounts import policy
from sambandh.accounts.models import ApiToken, Role, User
from sambandh.accounts.selectors import token_still_live
from sambandh.accounts.visibility import (
    ScopeShape,
    editable_q,
    placeholder_scope,
    scope_binding,
    scope_visible_q,
    visible_branches,
    visible_q,
)
from sambandh.contacts.collation import collated_name_order
from sambandh.contacts.models import (
    Affiliation,
    EmailAddress,
    Organization,
    Person,
    PhoneNumber,
    PostalAddress,
    Tag,
)
from sambandh.contacts.record_json import person_json_sql
from sambandh.core.compiled import CompiledQuery, Placeholders
from sambandh.core.errors import Forbidden, NotFound
from sambandh.core.ids import parse_id
from sambandh.core.listing import ListQuery, sort_order
from sambandh.core.models import SensitiveField
from sambandh.core.pagination import Page, paginate
from sambandh.core.sensitive import prime_sensitive
from sambandh.customfields.selectors import (
    custom_list_query,
    lookup_keys_text,
    removed_keys_text,
    show_custom_links,
    unseen_links,
)
from sambandh.imports.selectors import records_from_import

PERSON_SORTS = {
    "name": ["full_name", "id"],
    "-name": ["-full_name", "-id"],
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}
ORGANIZATION_SORTS = {
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "-updated": ["-updated_at", "-id"],
    "updated": ["updated_at", "id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}


#: The older name of ``parse_id``, still imported elsewhere.
_int = parse_id


def people_visible(viewer: User) -> QuerySet[Person]:
    return Person.objects.filter(visible_q(viewer, "person"))


def organizations_visible(viewer: User) -> QuerySet[Organization]:
    return Organization.objects.filter(visible_q(viewer, "organization"))


def _common_filters(qs: QuerySet[Any], filters: dict[str, Any], name_field: str) -> QuerySet[Any]:
    if owner := filters.get("owner_id"):
        qs = qs.filter(owner_id=parse_id(owner, "owner_id"))
    if tag := filters.get("tag"):
        qs = qs.filter(tags__name__iexact=str(tag))
    if country := filters.get("country"):
        qs = qs.filter(country=str(country).upper())
    if residency := filters.get("residency"):
        qs = qs.filter(residency=str(residency).strip().lower())
    if text := (filters.get("name") or "").strip():
        qs = qs.filter(**{f"{name_field}__icontains": text})
    return qs


def _people_filtered(viewer: User, query: ListQuery) -> tuple[QuerySet[Person], Any]:
    """The people list's filters and its custom sort (visibility aside)."""
    policy.check_list(viewer, "person", query.filters, query.sort)
    qs = _common_filters(Person.objects.all(), query.filters, "full_name")
    if org := query.filters.get("organization_id"):
        qs = qs.filter(organization_id=parse_id(org, "organization_id"))
    if email := (query.filters.get("email") or "").strip().lower():
        qs = qs.filter(email=email)
    if job := query.filters.get("import"):
        qs = records_from_import(qs, viewer=viewer, job_id=job, record_type="person")
    return custom_list_query(qs, record_type="person", query=query)


def people_matching(*, viewer: User, query: ListQuery) -> QuerySet[Person]:
    """Every person the list shows for ``query.filters``, on every page, as the viewer may see
    them (a bulk action's selection; its sort and page do not matter)."""
    qs, _order = _people_filtered(viewer, replace(query, sort=""))
    return qs.filter(visible_q(viewer, "person"))


def person_list(*, viewer: User, query: ListQuery) -> Page[Person]:
    qs, custom_order = _people_filtered(viewer, query)
    # Owners are fetched apart (one query for the page): joined, SQLite's planner starts from
    # the small users table and sorts every person (2.4 s on a million people).
    qs = qs.select_related("organization").prefetch_related("owner", "tags")
    order = custom_order or sort_order(query.sort, PERSON_SORTS, "name")
    if not custom_order:
        qs, order = collated_name_order(qs, order, "full_name")
    page = paginate(
        qs,
        order=order,
        limit=query.limit,
        cursor=query.cursor,
        branches=visible_branches(viewer, "person"),
    )
    policy.show_links(viewer, page.items, record_type="person", field="organization")
    return page


def person_detail_qs(viewer: User) -> QuerySet[Person]:
    """A person with everything a record page shows."""
    return (
        people_visible(viewer)
        .select_related("organization", "owner")
        .prefetch_related(
            "tags",
            Prefetch("emails", queryset=EmailAddress.objects.order_by("-is_primary", "id")),
            Prefetch("phones", queryset=PhoneNumber.objects.order_by("-is_primary", "id")),
            Prefetch("addresses", queryset=PostalAddress.objects.order_by("-is_primary", "id")),
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
        )
    )


def person_get(*, viewer: User, person_id: int) -> Person:
    """A person the viewer may see, with ``shown_organization`` and ``shown_affiliations``:
    the organizations among them the viewer may see."""
    person = person_detail_qs(viewer).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person."))
    policy.show_links(viewer, [person], record_type="person", field="organization")
    affiliations = list(person.affiliations.all())
    if policy.field_access(viewer, "person").shows("organization"):
        seen = policy.visible_among(viewer, "organization", [a.organization for a in affiliations])
        person.shown_affiliations = [  # type: ignore[attr-defined]
            a for a in affiliations if a.organization_id in seen
        ]
    else:
        person.shown_affiliations = []  # type: ignore[attr-defined]
    return person


def _person_json_ids(p: Placeholders) -> QuerySet[Person, Any]:
    """The person (when visible, or ``written``: the caller has just written it), whether the
    viewer may see their organization, and whether a field rule applies to the viewer's role
    (``role_rules``: the record is then redacted, and the read lane hands the read to the
    API). For the read lane (``with_token``) the statement also checks the token."""
    shape, with_token, written = cast(tuple[ScopeShape, bool, bool], p.shape)
    scope = placeholder_scope(p, shape)
    ids = Person.objects.filter(
        Q() if written else scope_visible_q(scope, "person"), pk=p.integer("person_id")
    )
    if with_token:
        ids = ids.filter(token_still_live(p))
    org_visible = Exists(
        Organization.objects.filter(
            scope_visible_q(scope, "organization"), pk=OuterRef("organization_id")
        )
    )
    # The viewer's field rules, and the removed custom fields whose values the record still
    # holds, come with the record: a read never needs a statement more.
    return (
        ids.order_by()
        .values("id")
        .annotate(
            org_visible=org_visible,
            role_rules=policy.role_rules_text(p, "viewer_role"),
            removed_custom=removed_keys_text("person"),
            lookup_custom=lookup_keys_text("person"),
            # A field marked sensitive: the read lane hands the read to the API, which audits
            # it (history/sensitive.py).
            sensitive_marked=Exists(SensitiveField.objects.filter(record_type="person")),
        )
    )


_person_json = CompiledQuery(_person_json_ids, wrap=person_json_sql)


def person_json(
    *, viewer: User, person_id: int, written: bool = False, verified: tuple[Any, ...] | None = None
) -> tuple[str, int] | None:
    """The API's record of a person the viewer may see, as JSON text, and its version, or None
    (contacts/record_json.py: one statement). ``written``: the viewer has just created or
    changed this person, which they may have handed to someone else: answer it even when they
    can no longer see it (a write that succeeded answers success), links still as they may see
    them. Fields hidden from the viewer's role are left out (accounts/policy.py). ``verified``:
    this statement's row, read by the read lane in this same request for this viewer (see
    ``person_json_reader``), so it is not read twice."""
    row: tuple[Any, ...] | None = verified
    if row is None:
        shape, values = scope_binding(viewer)
        if not shape.signed_in:
            return None
        row = _person_json.first(
            (shape, False, written), person_id=person_id, viewer_role=viewer.role, **values
        )
    if row is None:
        return None
    body, version = row[0], row[1]
    policy.prime_field_access(viewer, row[2])
    prime_sensitive(viewer, "person", bool(row[5]))
    access = policy.field_access(viewer, "person")
    return _shown(body, row[3], access, viewer if _links_in(body, row[4]) else None), version


def _links_in(body: str, lookup_custom: str | None) -> bool:
    """Whether the document holds a value of a custom lookup field (``lookup_custom``: their
    keys, from the statement): whether the viewer may see its record must then be checked."""
    if not lookup_custom:
        return False
    custom = json.loads(body).get("custom") or {}
    return any(key in custom for key in lookup_custom.split(";"))


def _shown(
    body: str, removed_custom: str | None, access: policy.FieldAccess | None, viewer: Any = None
) -> str:
    """The person's document without the values of removed custom fields (kept on the record
    until the field is purged), with ``access`` without the fields hidden from the viewer, and
    with ``viewer`` without custom links to records they may not see. The read lane and the API
    both answer through here, byte for byte alike."""
    hidden = access is not None and bool(access.hidden)
    if not removed_custom and not hidden and viewer is None:
        return body
    data = json.loads(body)
    if removed_custom and isinstance(data.get("custom"), dict):
        removed = set(removed_custom.split(";"))
        data["custom"] = {k: v for k, v in data["custom"].items() if k not in removed}
    if viewer is not None and isinstance(data.get("custom"), dict):
        unseen = unseen_links(viewer, "person", [data["custom"]])[0]
        data["custom"] = {k: v for k, v in data["custom"].items() if k not in unseen}
    if hidden and access is not None:
        data = access.redact(data)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Restricted:
    """What the read lane's reader answers when a field rule applies to the viewer's role: the
    API answers such reads, through the whole policy, from ``row`` (``person_json``'s
    ``verified``)."""

    row: tuple[Any, ...]


def person_json_reader(*, viewer: User, token: ApiToken) -> Callable[[int], Any] | None:
    """``person_json`` for the API's read lane, which remembers a token's user between requests:
    the statement also checks that the token is still live and still that user's, with the same
    role, so nothing remembered outlives a revocation, a deactivation or a role change. None for
    a viewer whose scope needs reading first (a manager's teams)."""
    shape, values = scope_binding(viewer)
    if not shape.signed_in or not (shape.everything or shape.teams_inline):
        return None
    bound = _person_json.bind(
        (shape, True, False),
        open=("person_id",),
        **values,
        token_digest=token.digest,
        token_user=viewer.pk,
        token_role=viewer.role,
        viewer_role=viewer.role,
    )

    def read(person_id: int) -> Any:
        row = bound.first(person_id=person_id, health_check=False)
        if row is None:
            return None
        # A field rule for the viewer's role: the API answers, through the whole policy.
        # A field rule for the viewer's role, or a custom link whose record's visibility must
        # be checked: the API answers, through the whole policy.
        # A field marked sensitive: the API answers, and audits the read.
        if policy.rules_apply(row[2], "person") or _links_in(row[0], row[4]) or row[5]:
            return Restricted(tuple(row))
        return _shown(row[0], row[3], None), row[1]

    return read


def person_get_for_update(*, viewer: User, person_id: int) -> Person:
    person = person_get(viewer=viewer, person_id=person_id)
    if not Person.objects.filter(editable_q(viewer, "person"), pk=person.pk).exists():
        raise Forbidden()
    return person


def _organizations_filtered(viewer: User, query: ListQuery) -> tuple[QuerySet[Organization], Any]:
    """The organization list's filters and its custom sort (visibility aside)."""
    policy.check_list(viewer, "organization", query.filters, query.sort)
    qs = _common_filters(Organization.objects.all(), query.filters, "name")
    if parent := query.filters.get("parent_id"):
        qs = qs.filter(parent_id=parse_id(parent, "parent_id"))
    if domain := (query.filters.get("domain") or "").strip().lower():
        qs = qs.filter(domain=domain)
    if industry := (query.filters.get("industry") or "").strip():
        qs = qs.filter(industry__iexact=industry)
    if job := query.filters.get("import"):
        qs = records_from_import(qs, viewer=viewer, job_id=job, record_type="organization")
    return custom_list_query(qs, record_type="organization", query=query)


def organizations_matching(*, viewer: User, query: ListQuery) -> QuerySet[Organization]:
    """Every organization the list shows for ``query.filters``, on every page (as
    ``people_matching``)."""
    qs, _order = _organizations_filtered(viewer, replace(query, sort=""))
    return qs.filter(visible_q(viewer, "organization"))


def organization_list(*, viewer: User, query: ListQuery) -> Page[Organization]:
    qs, custom_order = _organizations_filtered(viewer, query)
    # Owners apart, as for people: joined, SQLite's planner may sort every organization.
    qs = qs.select_related("parent").prefetch_related("owner", "tags")
    order = custom_order or sort_order(query.sort, ORGANIZATION_SORTS, "name")
    if not custom_order:
        qs, order = collated_name_order(qs, order, "name")
    page = paginate(
        qs,
        order=order,
        limit=query.limit,
        cursor=query.cursor,
        branches=visible_branches(viewer, "organization"),
    )
    policy.show_links(viewer, page.items, record_type="organization", field="parent")
    show_custom_links(viewer, "organization", page.items)
    return page


def organization_detail_qs(viewer: User, *, written: bool = False) -> QuerySet[Organization]:
    return (
        (Organization.objects.all() if written else organizations_visible(viewer))
        .select_related("owner", "parent")
        .prefetch_related(
            "tags",
            "emails",
            "phones",
            "addresses",
        )
    )


def organization_get(*, viewer: User, organization_id: int, written: bool = False) -> Organization:
    """An organization the viewer may see (``written``: one they have just written, which
    they may have handed to someone else), with ``shown_parent``."""
    org = organization_detail_qs(viewer, written=written).filter(pk=organization_id).first()
    if org is None:
        raise NotFound(_("No such organization."))
    policy.show_links(viewer, [org], record_type="organization", field="parent")
    show_custom_links(viewer, "organization", [org])
    return org


def organization_get_for_update(*, viewer: User, organization_id: int) -> Organization:
    org = organization_get(viewer=viewer, organization_id=organization_id)
    if not Organization.objects.filter(editable_q(viewer, "organization"), pk=org.pk).exists():
        raise Forbidden()
    return org


def organization_people(
    *, viewer: User, organization: Organization, limit: int = 100
) -> list[Person]:
    """People currently at the organization that the viewer may see."""
    # Their ids first, as one set (a UNION): joined, or ORed, the planner takes half the table
    # to match and walks the whole name index (1 to 2 s on a million people).
    at = Person.objects.filter(organization=organization).values("id")
    linked = Affiliation.objects.filter(organization=organization, ended_on__isnull=True)
    return list(
        people_visible(viewer)
        .filter(id__in=at.union(linked.values("person_id")))
        .order_by("full_name", "id")[:limit]
    )


def organization_children(*, viewer: User, organization: Organization) -> list[Organization]:
    return list(organizations_visible(viewer).filter(parent=organization).order_by("name")[:200])


def tag_list(*, q: str = "", limit: int = 200) -> list[Tag]:
    qs = Tag.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.order_by("name")[:limit])


TAG_SORTS = {
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
}


def tag_page(*, query: ListQuery) -> Page[Tag]:
    """Tags are shared configuration: every signed-in user may read them."""
    qs = Tag.objects.all()
    if text := (query.filters.get("q") or "").strip():
        qs = qs.filter(name__icontains=text)
    return paginate(
        qs, order=sort_order(query.sort, TAG_SORTS, "name"), limit=query.limit, cursor=query.cursor
    )


def tag_get(*, tag_id: int) -> Tag:
    tag = Tag.objects.filter(pk=tag_id).first()
    if tag is None:
        raise NotFound(_("No such tag."))
    return tag


def tag_get_for_update(*, viewer: User, tag_id: int) -> Tag:
    """Renaming or deleting a tag changes every record carrying it: admins and managers only."""
    tag = tag_get(tag_id=tag_id)
    if viewer.role not in (Role.ADMIN, Role.MANAGER):
        raise Forbidden(_("Only administrators and managers can rename or delete tags."))
    return tag


def contact_points(record: Person | Organization, key: str) -> list[dict[str, Any]]:
    """A person's or organization's ``emails``, ``phones`` or ``addresses`` as the API and the
    audit trail write them, primary first (a person's from its contact card, no query)."""
    from sambandh.contacts.cards import address_entries, email_entries, phone_entries

    card = getattr(record, "contact_card", None)
    if isinstance(card, dict) and key in card:
        return list(card[key] or [])
    entries = {"emails": email_entries, "phones": phone_entries, "addresses": address_entries}
    return entries[key](getattr(record, key).order_by("-is_primary", "id"))
