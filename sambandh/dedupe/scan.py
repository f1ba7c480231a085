"""The batch duplicate scan over the database: read the records (streamed, a chunk at a time),
fold them, score the candidate pairs, and write each pair found to a CSV file and, unless told
not to, to the review queue (DuplicatePair)."""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sambandh.contacts.models import EmailAddress, Organization, Person, PhoneNumber, PostalAddress
from sambandh.dedupe.engine.records import MatchRecord, organization_record, person_record
from sambandh.dedupe.engine.scan import (
    THRESHOLD,
    ScanStats,
    ScoredPair,
    default_workers,
    scan_records,
)

KINDS = {"people": "person", "organizations": "organization"}
CSV_COLUMNS = ("id_a", "id_b", "score", "external_id_a", "external_id_b")
#: The custom field whose value is a record's id in the system it came from (import sets it).
EXTERNAL_ID_FIELD = "external_id"
CHUNK = 5000
#: The scan says how far it is at most this often (seconds).
PROGRESS_SECONDS = 5.0


def _external(known: dict[int, str], pk: int, custom: Any) -> str:
    """The record's id in the system it was imported from (imports.selectors.external_ids,
    read once per scan as ``known``); a custom field ``external_id`` set by hand otherwise."""
    if pk in known:
        return known[pk]
    value = (custom or {}).get(EXTERNAL_ID_FIELD) if isinstance(custom, dict) else None
    return "" if value is None else str(value)


def _known_external(record_type: str) -> dict[int, str]:
    from sambandh.imports.selectors import external_ids

    return external_ids(record_type, None)


def _has_birth_date() -> bool:
    """Whether the database has people's birth_date column yet (a read-only copy made before
    its migration is scanned without it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, Person._meta.db_table)
    return any(c.name == "birth_date" for c in columns)


def people_records() -> Iterator[MatchRecord]:
    birth = "birth_date" if _has_birth_date() else "id"
    rows = Person.objects.order_by("id").values_list(
        "id", "given_name", "family_name", "full_name", birth, "contact_card", "custom"
    )
    organization_names = dict(Organization.objects.values_list("id", "name"))
    org_of = Person.objects.filter(organization__isnull=False).values_list("id", "organization_id")
    employer = {pid: organization_names.get(oid, "") for pid, oid in org_of.iterator(CHUNK)}
    known = _known_external("person")
    for pk, given, family, full, birth, card, custom in rows.iterator(chunk_size=CHUNK):
        card = card or {}
        address: dict[str, Any] = next(iter(card.get("addresses") or []), {})
        yield person_record(
            id=pk,
            given_name=given,
            family_name=family,
            full_name=full,
            emails=[e.get("email", "") for e in card.get("emails") or []],
            phones=[p.get("number", "") for p in card.get("phones") or []],
            birth_date=birth if birth != pk else None,
            street=address.get("street", ""),
            city=address.get("city", ""),
            postal_code=address.get("postal_code", ""),
            organization=employer.get(pk, ""),
            external_id=_external(known, pk, custom),
        )


def organization_records() -> Iterator[MatchRecord]:
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    addresses: dict[int, tuple[str, str, str]] = {}
    for oid, email in EmailAddress.objects.filter(organization__isnull=False).values_list(
        "organization_id", "email"
    ):
        emails[oid].append(email)
    for oid, number in PhoneNumber.objects.filter(organization__isnull=False).values_list(
        "organization_id", "e164"
    ):
        phones[oid].append(number)
    for oid, street, city, code in (
        PostalAddress.objects.filter(organization__isnull=False)
        .order_by("-is_primary", "id")
        .values_list("organization_id", "street", "city", "postal_code")
    ):
        addresses.setdefault(oid, (street, city, code))
    rows = Organization.objects.order_by("id").values_list(
        "id", "name", "domain", "website", "custom"
    )
    known = _known_external("organization")
    for pk, name, domain, website, custom in rows.iterator(chunk_size=CHUNK):
        street, city, code = addresses.get(pk, ("", "", ""))
        yield organization_record(
            id=pk,
            name=name,
            domain=domain,
            website=website,
            emails=emails.get(pk, []),
            phones=phones.get(pk, []),
            street=street,
            city=city,
            postal_code=code,
            external_id=_external(known, pk, custom),
        )


@dataclass
class ScanResult:
    kind: str
    pairs: int = 0
    stats: ScanStats = field(default_factory=ScanStats)


def run_scan(
    kind: str,
    *,
    out: IO[str] | None = None,
    store: bool = True,
    threshold: float = THRESHOLD,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> ScanResult:
    """Scan every record of ``kind`` ("people" or "organizations"); write the pairs as CSV to
    ``out`` and, when ``store``, replace the open pairs of the review queue with them.
    ``workers`` processes score the candidate pairs (default: one per core)."""
    if kind not in KINDS:
        raise ValueError(kind)
    load = people_records if kind == "people" else organization_records
    records = list(load())
    if progress:
        progress(f"{len(records)} records read")
    result = ScanResult(kind)
    writer = csv.writer(out) if out is not None else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    batch: list[ScoredPair] = []
    sink = _QueueSink(KINDS[kind]) if store else None
    workers = default_workers() if workers is None else max(1, workers)
    said = [time.monotonic()]

    def shard_done(stats: ScanStats) -> None:
        # At most every PROGRESS_SECONDS, and for the last shard.
        now = time.monotonic()
        if progress and (now - said[0] >= PROGRESS_SECONDS or stats.shards_done == stats.shards):
            said[0] = now
            progress(
                f"{stats.shards_done} of {stats.shards} parts scored: "
                f"{stats.blocking.candidate_pairs} candidate pairs compared, {result.pairs} found"
            )

    for pair in scan_records(
        kind,
        records,
        threshold=threshold,
        stats=result.stats,
        workers=workers,
        on_shard=shard_done,
    ):
        result.pairs += 1
        a, b = (pair.a, pair.b) if pair.a.id < pair.b.id else (pair.b, pair.a)
        if writer is not None:
            writer.writerow((a.id, b.id, f"{pair.probability:.4f}", a.external_id, b.external_id))
        if sink is not None:
            batch.append(pair)
            if len(batch) >= 1000:
                sink.add(batch)
                batch = []
    if sink is not None:
        sink.add(batch)
        sink.finish()
    return result


class _QueueSink:
    """Writes the pairs of one scan to the review queue through the service."""

    def __init__(self, record_type: str) -> None:
        from sambandh.dedupe.services import pairs_scan_begin

        self.record_type = record_type
        self.scan_started = pairs_scan_begin(record_type=record_type)

    def add(self, pairs: list[ScoredPair]) -> None:
        from sambandh.dedupe.services import pairs_record

        pairs_record(
            record_type=self.record_type,
            found=[
                (min(p.a.id, p.b.id), max(p.a.id, p.b.id), p.probability, p.reasons) for p in pairs
            ],
        )

    def finish(self) -> None:
        from sambandh.dedupe.services import pairs_scan_finish

        pairs_scan_finish(record_type=self.record_type, started=self.scan_started)
