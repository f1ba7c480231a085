"""Erasing a person: what an erasure request and a retention policy's "anonymize" do.

Each step goes through the owning app's service where one exists:

- the person (contacts.person_update): every field blanked, the name replaced by
  "Erased person #<hash>", contact points, tags and the organization link removed; its search
  document is rebuilt by that service;
- their activities (activities.activity_update): subject and body emptied. An email sent from
  Sambandh stays as sent by that service's rule, so its text and recipients are emptied here,
  with an audit row of its own: erasure is the one exception to that rule;
- files on the person and on their activities (attachments.attachments_purge_for): removed
  from storage once the transaction commits;
- custom field values: emptied (even required ones: the law outranks the field's rule);
- what else hangs off the person alone (social profiles, affiliations: rows deleted with the
  person) is deleted;
- the leads that are copies of the person (the lead converted into them, any lead with one
  of their emails; sales.lead_erase): every personal field blanked, the name the person's
  pseudonym, their activities and files erased like the person's;
- recycle bin snapshots of the person are dropped;
- audit entries about the person and their activities keep who did what and when, and which
  fields, but their values become "[erased]"; the event log's payloads about them too
  (events.event_payloads_erase: ids of other records aside).

The proof is one audit row on the person ("person.erased"): who, when, and what kinds of data
were erased, with counts; never the values.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sambandh.activities.models import Activity
from sambandh.activities.schemas import ActivityChange
from sambandh.activities.services import activity_update
from sambandh.attachments.services import attachments_purge_for
from sambandh.contacts.models import EmailAddress, Person, PhoneNumber
from sambandh.contacts.schemas import PersonIn
from sambandh.contacts.services import person_reindex, person_update
from sambandh.core import registry
from sambandh.core.audit import audit_record, redact_values
from sambandh.events.services import event_payloads_erase
from sambandh.privacy import providers
from sambandh.privacy.collect import reverse_relations
from sambandh.privacy.models import DataSubjectRequest, SuppressedContact
from sambandh.privacy.selectors import contact_digest, normalize_email, normalize_phone
from sambandh.recyclebin.models import BinEntry
from sambandh.sales.models import Lead
from sambandh.sales.services import lead_erase

#: Stored data, not interface text: the same in every language, and what retention skips.
PSEUDONYM_PREFIX = "Erased person #"
ERASED = "[erased]"

_BLANK_PERSON = {
    "honorific": "",
    "given_name": "",
    "family_name": "",
    "job_title": "",
    "organization_id": None,
    "emails": None,
    "phones": None,
    "addresses": None,
    "preferred_language": "",
    "time_zone": "",
    "currency": "",
    "country": "",
    "source": "",
    "description": "",
    "tags": None,
}


def pseudonym(person_id: int) -> str:
    key = hashlib.sha256(b"sambandh.privacy.pseudonym:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, str(person_id).encode(), hashlib.sha256).hexdigest()[:10]
    return f"{PSEUDONYM_PREFIX}{digest}"


def _suppress(person: Person, request: DataSubjectRequest | None) -> int:
    emails = {
        normalize_email(e)
        for e in EmailAddress.objects.filter(person=person).values_list("email", flat=True)
    }
    emails.add(normalize_email(person.email))
    phones = {
        normalize_phone(p)
        for p in PhoneNumber.objects.filter(person=person).values_list("e164", flat=True)
    }
    phones.add(normalize_phone(person.phone))
    added = 0
    for kind, values in (("email", emails), ("phone", phones)):
        for value in sorted(v for v in values if v):
            _row, created = SuppressedContact.objects.get_or_create(
                digest=contact_digest(kind, value), defaults={"kind": kind, "request": request}
            )
            added += int(created)
    return added


def _erase_activity(actor: Any, activity: Activity) -> None:
    sent = (
        hasattr(activity, "outbound_email")
        and Activity.objects.filter(pk=activity.pk, outbound_email__isnull=False).exists()
    )
    if not sent:
        activity_update(
            actor=actor, activity=activity, data=ActivityChange(subject="", body=""), version=None
        )
        return
    from sambandh.emails.models import OutboundEmail

    Activity.objects.filter(pk=activity.pk).update(
        subject="", body="", version=models.F("version") + 1, updated_at=timezone.now()
    )
    OutboundEmail.objects.filter(activity_id=activity.pk).update(
        to=[], cc=[], reply_to="", thread_subject="", references="", in_reply_to=""
    )
    audit_record(
        actor=actor,
        action="update",
        record_type="activity",
        record_id=activity.pk,
        # No value before: it is what the erasure takes away (docs/audit.md).
        changes={"subject": [None, ERASED], "body": [None, ERASED], "recipients": [None, ERASED]},
        event="activity.erased",
    )


def _delete_dependents(person: Person) -> int:
    """The contacts app's rows that belong to the person alone (deleted with them) and are not
    records of their own: social profiles, affiliations. Other apps erase what they keep
    through an eraser they register (providers.register_eraser)."""
    deleted = 0
    for rel in reverse_relations(Person):
        if rel.many_to_many or registry.by_model(rel.related_model) is not None:
            continue
        if rel.related_model._meta.app_label != Person._meta.app_label:
            continue
        if getattr(rel.field.remote_field, "on_delete", None) is not models.CASCADE:
            continue
        count, _by_model = rel.related_model._default_manager.filter(
            **{rel.field.name: person}
        ).delete()
        deleted += count
    return deleted


def _lead_copies(person: Person) -> list[Lead]:
    """The leads that hold the person's data: the lead converted into them, and any lead with
    one of their emails (case aside)."""
    emails = {
        normalize_email(e)
        for e in EmailAddress.objects.filter(person=person).values_list("email", flat=True)
    }
    emails.add(normalize_email(person.email))
    where = models.Q(converted_person=person)
    for email in sorted(e for e in emails if e):
        where |= models.Q(email__iexact=email)
    return list(Lead.objects.filter(where).order_by("pk"))


def _scrub_audit(refs: list[tuple[str, list[int]]]) -> int:
    # The audit trail's one sanctioned change (core/audit.py): values blanked, rows kept.
    return redact_values(refs)


def person_erase(
    *, actor: Any, person: Person, request: DataSubjectRequest | None = None, suppress: bool = True
) -> dict[str, int]:
    """Erase ``person`` in the caller's transaction (see the module's docstring); ``suppress``
    puts their emails and phones on the suppression list. Answers what was erased, as counts."""
    outcome = {"suppressed": _suppress(person, request) if suppress else 0}
    # Read before the person's emails are blanked: they are how a lead copy is found.
    leads = _lead_copies(person)
    activities = list(
        Activity.objects.filter(
            models.Q(person=person) | models.Q(lead_id__in=[lead.pk for lead in leads])
        ).order_by("pk")
    )
    files = attachments_purge_for(record_type="person", record_id=person.pk)
    for activity in activities:
        files += attachments_purge_for(record_type="activity", record_id=activity.pk)
        _erase_activity(actor, activity)
    outcome["activities"] = len(activities)
    outcome["attachments"] = files
    outcome["custom_fields"] = len(person.custom or {})
    person = person_update(
        actor=actor,
        person=person,
        data=PersonIn.build({**_BLANK_PERSON, "full_name": pseudonym(person.pk)}),
        version=None,
    )
    Person.objects.filter(pk=person.pk).update(
        custom={}, contact_card={"emails": [], "phones": [], "addresses": []}
    )
    person.refresh_from_db()
    person_reindex(person)
    outcome["related_rows"] = _delete_dependents(person)
    for lead in leads:
        files += attachments_purge_for(record_type="lead", record_id=lead.pk)
        lead_erase(actor=actor, lead=lead, label=pseudonym(person.pk))
    outcome["attachments"] = files
    outcome["leads"] = len(leads)
    for name, eraser in sorted(providers.all_erasers().items()):
        outcome[name] = int(eraser(person=person, actor=actor) or 0)
    outcome["recycle_bin"] = BinEntry.objects.filter(
        record_type="person", record_id=person.pk, snapshot__isnull=False
    ).update(snapshot=None, summary="", purged_at=timezone.now())
    refs = [
        ("person", [person.pk]),
        ("activity", [a.pk for a in activities]),
        ("lead", [lead.pk for lead in leads]),
    ]
    outcome["audit_entries"] = _scrub_audit(refs)
    outcome["events"] = event_payloads_erase(refs=refs)
    audit_record(
        actor=actor,
        action="update",
        record_type="person",
        record_id=person.pk,
        changes={
            "erased": [None, sorted(k for k, v in outcome.items() if v) + ["person"]],
            **{k: [None, v] for k, v in outcome.items()},
        },
        summary=(
            _("Erased: request #%(id)s") % {"id": request.pk}
            if request
            else _("Erased: retention policy")
        ),
        event="person.erased",
    )
    return outcome
