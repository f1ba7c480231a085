"""Two people (or organizations) with one of every kind of link, and a snapshot of every row a
merge may touch, for the merge tests."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from sambandh.accounts.services import record_share
from sambandh.attachments.services import attachment_add
from sambandh.consents.services import ConsentInput, consent_record
from sambandh.contacts.models import Affiliation
from sambandh.customfields.services import custom_field_create
from sambandh.dedupe.models import DuplicatePair
from tests.factories import make_activity, make_deal, make_organization, make_person

PDF = b"%PDF-1.4\n%%EOF\n"
#: The apps whose rows a merge moves (audit rows, events, search documents and the recycle bin
#: are history or rebuilt: left out).
APPS = (
    "contacts",
    "activities",
    "sales",
    "consents",
    "accounts",
    "attachments",
    "notifications",
    "privacy",
    "dedupe",
)
SKIP = {"contacts.merge", "accounts.user", "accounts.apitoken"}


def snapshot(*, ignore: dict[str, set[str]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of every model of ``APPS`` (many-to-many link tables too), by model label;
    ``ignore``: columns left out per label (the kept record's version and update time)."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label not in APPS or label in SKIP:
            continue
        drop = (ignore or {}).get(label, set())
        rows = model._base_manager.order_by("pk").values()
        out[label] = [{k: v for k, v in row.items() if k not in drop} for row in rows]
    return out


def person_world(owner: Any, teammate: Any, pipeline: Any) -> dict[str, Any]:
    """Asha (kept) and her duplicate A. Rao, each with activities, deals, a share, a consent,
    tags, an attachment, an affiliation, a note and custom field values; both share one email,
    one tag, one affiliation's organization and the share with the teammate."""
    custom_field_create(
        actor=pipeline_admin(pipeline),
        data={"record_type": "person", "key": "tier", "label": "Tier", "type": "text"},
    )
    acme = make_organization(owner, name="Acme Looms")
    kept = make_person(
        owner,
        full_name="Asha Rao",
        job_title="",
        emails=[{"email": "asha@example.com"}],
        phones=[{"number": "+919876543210"}],
        tags=["vip", "loom"],
        organization_id=acme.pk,
        custom={"tier": "gold"},
    )
    dup = make_person(
        owner,
        full_name="A. Rao",
        job_title="Head of Buying",
        country="IN",
        emails=[{"email": "asha.rao@work.example"}, {"email": "asha@example.com"}],
        phones=[{"number": "+919800000001"}],
        addresses=[{"city": "Surat", "country": "IN"}],
        tags=["vip", "buyer"],
        organization_id=acme.pk,
        custom={"tier": "silver"},
    )
    other_org = make_organization(owner, name="Bharat Textiles")
    Affiliation.objects.create(person=dup, organization=other_org, title="Adviser")
    world: dict[str, Any] = {"kept": kept, "dup": dup, "acme": acme}
    for person in (kept, dup):
        make_activity(owner, "note", body=f"Met {person.full_name}", person_id=person.pk)
        make_activity(owner, "call", subject="Call", person_id=person.pk)
        make_deal(owner, pipeline, name=f"Deal of {person.full_name}", person_ids=[person.pk])
        record_share(actor=owner, record_type="person", record_id=person.pk, user=teammate)
        consent_record(
            actor=owner,
            person=person,
            data=ConsentInput(purpose="newsletter", status="granted", source="fair"),
        )
        attachment_add(
            actor=owner,
            record_type="person",
            record_id=person.pk,
            upload=SimpleUploadedFile(f"{person.pk}.pdf", PDF),
        )
    a, b = sorted((kept.pk, dup.pk))
    world["pair"] = DuplicatePair.objects.create(
        record_type="person", record_a_id=a, record_b_id=b, score=0.97
    )
    return world


def pipeline_admin(pipeline: Any) -> Any:
    from sambandh.accounts.models import User

    return User.objects.filter(role="admin").order_by("pk").first()
