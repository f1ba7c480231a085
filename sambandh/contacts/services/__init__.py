"""Writes for people, organizations, their contact points, affiliations and tags.

Every write cleans its input (trimmed names, normalized emails, E.164 phones, ISO codes), refuses
a stale version, records an audit row, and refreshes the search document, in one transaction.
"""

from __future__ import annotations

from sambandh.contacts.services.organizations import (
    ORG_TEXT_FIELDS,
    organization_create,
    organization_delete,
    organization_reindex,
    organization_search_fields,
    organization_update,
    organizations_reassign,
)
from sambandh.contacts.services.people import (
    people_reassign,
    person_create,
    person_delete,
    person_reindex,
    person_search_fields,
    person_update,
    require_found,
)
from sambandh.contacts.services.points import (
    MAX_CONTACT_POINTS,
    MAX_TAGS,
    AddressIn,
    EmailIn,
    PhoneIn,
    tags_resolve,
)

__all__ = [
    "ORG_TEXT_FIELDS",
    "organization_create",
    "organization_delete",
    "organization_reindex",
    "organization_search_fields",
    "organization_update",
    "organizations_reassign",
    "people_reassign",
    "person_create",
    "person_delete",
    "person_reindex",
    "person_search_fields",
    "person_update",
    "require_found",
    "MAX_CONTACT_POINTS",
    "MAX_TAGS",
    "AddressIn",
    "EmailIn",
    "PhoneIn",
    "tags_resolve",
]
