"""The world the authorization suite runs in: the named users, records of two owners, and the
links between them that leaked before (a visible record pointing at a hidden one).

Team A: owner, teammate, manager (team A's manager), readonly (read-only, team A).
Team B: outsider. And an admin.

The owner's records carry the marker OWN in their names, the outsider's the marker HIDDEN.
Then an admin links the owner's records to the outsider's, as happens when records change hands:

- the owner's person Priya is at the outsider's organization Zircon, and on the outsider's deal
  Yak (whose stage changes therefore belong on Priya's timeline);
- the owner's organization Orion has Zircon as its parent;
- the owner's deal Dove is with Zircon;
- a call the owner logged on Priya is linked to Yak and Zircon (Yak was the owner's then);
- a lead the owner converted became a person, an organization and a deal that were then
  handed to the outsider.

So every name with HIDDEN is a secret to the owner's side (owner, teammate, manager, readonly),
and every name with OWN a secret to the outsider; the teammate, a rep like the owner, sees
neither side. Nothing may show a secret: no page, no API answer, no error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sambandh.activities import services as activities
from sambandh.activities.schemas import ActivityChange, ActivityIn
from sambandh.contacts import services as contacts
from sambandh.contacts.schemas import OrganizationIn, PersonIn
from sambandh.sales import services as sales
from sambandh.sales.models import Deal, Lead, Pipeline
from sambandh.sales.schemas import DealFields
from tests import factories
from tests.registry_app.records import gadget_create

_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")
OWN = "OWN"
HIDDEN = "HIDDEN"
ROLES = ("owner", "teammate", "manager", "readonly", "outsider", "admin")


@dataclass
class World:
    users: dict[str, Any]
    pipeline: Pipeline
    # record kind -> {"own": record, "hidden": record}
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    share_ids: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    @staticmethod
    def readable(body: str) -> str:
        """``body`` without random tokens (a page's CSRF token is 64 letters and digits, and may
        hold a marker by chance): what is left is what a page or answer says."""
        return _TOKEN.sub("", body)

    def secrets(self, role: str) -> list[str]:
        """The markers whose names ``role`` may not see anywhere."""
        return {
            "owner": [HIDDEN],
            "teammate": [HIDDEN, OWN],
            "manager": [HIDDEN],
            "readonly": [HIDDEN],
            "outsider": [OWN],
            "admin": [],
        }[role]

    def sees(self, role: str, side: str) -> bool:
        """Whether ``role`` may see the records of ``side`` ("own" or "hidden")."""
        if role == "admin":
            return True
        if side == "own":
            return role in ("owner", "manager", "readonly")
        return role == "outsider"

    def changes(self, role: str, side: str) -> bool:
        """Whether ``role`` may change the records of ``side``."""
        return self.sees(role, side) and role != "readonly"


def build_world() -> World:
    team_a = factories.make_team("Team A")
    team_b = factories.make_team("Team B")
    admin = factories.make_user("admin", email="admin@example.com", full_name="Ada Admin")
    owner = factories.make_user("sales_rep", email="owner@example.com", team=team_a)
    teammate = factories.make_user("sales_rep", email="teammate@example.com", team=team_a)
    manager = factories.make_user("manager", email="manager@example.com", team=team_a)
    readonly = factories.make_user("read_only", email="reader@example.com", team=team_a)
    outsider = factories.make_user("sales_rep", email="outsider@example.com", team=team_b)
    users = {
        "owner": owner,
        "teammate": teammate,
        "manager": manager,
        "readonly": readonly,
        "outsider": outsider,
        "admin": admin,
    }
    pipeline = factories.make_pipeline(admin)
    world = World(users=users, pipeline=pipeline)

    # the outsider's side
    zircon = factories.make_organization(outsider, name="Zircon HIDDENORG Ltd")
    oscar = factories.make_person(
        outsider, full_name="Oscar HIDDENPERSON", email="oscar@hidden.example"
    )
    yak = factories.make_deal(owner, pipeline, name="Yak HIDDENDEAL")  # handed over below
    hidden_lead = factories.make_lead(outsider, full_name="Hugo HIDDENLEAD", company="Hidco")

    # the owner's side
    orion = factories.make_organization(owner, name="Orion OWNORG")
    priya = factories.make_person(
        owner, full_name="Priya OWNPERSON", email="priya@own.example", phone="+91 98765 43210"
    )
    dove = factories.make_deal(owner, pipeline, name="Dove OWNDEAL", organization_id=orion.pk)
    own_lead = factories.make_lead(owner, full_name="Lara OWNLEAD", company="Lara OWNCO")
    note = factories.make_activity(owner, "note", subject="OWNNOTE", person_id=priya.pk)
    task = factories.make_activity(owner, "task", subject="OWNTASK", person_id=priya.pk)
    call = activities.activity_create(
        actor=owner,
        # (on the outsider's deal too once it is handed over, so the outsider sees the call:
        # its subject names no one)
        data=ActivityIn.build(
            {"kind": "call", "subject": "Discovery call", "person_id": priya.pk, "deal_id": yak.pk}
        ),
    )
    hidden_note = factories.make_activity(
        outsider, "note", subject="HIDDENNOTE", person_id=oscar.pk
    )
    hidden_task = factories.make_activity(
        outsider, "task", subject="HIDDENTASK", person_id=oscar.pk
    )

    # the links across: an admin puts the owner's records with the outsider's
    contacts.person_update(
        actor=admin, person=priya, data=PersonIn.build({"organization_id": zircon.pk}), version=None
    )
    contacts.organization_update(
        actor=admin,
        organization=orion,
        data=OrganizationIn.build({"parent_id": zircon.pk}),
        version=None,
    )
    sales.deal_update(
        actor=admin, deal=dove, data=DealFields.build({"organization_id": zircon.pk}), version=None
    )
    sales.deal_update(
        actor=admin,
        deal=yak,
        data=DealFields.build(
            {"owner_id": outsider.pk, "organization_id": zircon.pk, "person_ids": [priya.pk]}
        ),
        version=None,
    )
    factories.move_deal(admin, Deal.objects.get(pk=yak.pk), "Proposal")
    activities.activity_update(
        actor=admin,
        activity=call,
        data=ActivityChange.build({"organization_id": zircon.pk}),
        version=None,
    )
    converted = sales.lead_convert(
        actor=owner,
        lead=factories.make_lead(owner, full_name="Cora OWNCONVERTED", company="Cora Co"),
        version=1,
    )
    converted = Lead.objects.get(pk=converted.pk)
    # what the lead became is renamed and handed to the outsider
    contacts.person_update(
        actor=admin,
        person=converted.converted_person,
        data=PersonIn.build({"full_name": "Cora HIDDENCONVPERSON", "owner_id": outsider.pk}),
        version=None,
    )
    contacts.organization_update(
        actor=admin,
        organization=converted.converted_organization,
        data=OrganizationIn.build({"name": "HIDDENCONVORG", "owner_id": outsider.pk}),
        version=None,
    )
    sales.deal_update(
        actor=admin,
        deal=converted.converted_deal,
        data=DealFields.build({"name": "HIDDENCONVDEAL", "owner_id": outsider.pk}),
        version=None,
    )

    world.records = {
        "person": {"own": priya, "hidden": oscar},
        "organization": {"own": orion, "hidden": zircon},
        "deal": {"own": Deal.objects.get(pk=dove.pk), "hidden": Deal.objects.get(pk=yak.pk)},
        "lead": {"own": own_lead, "hidden": hidden_lead},
        "activity": {"own": call, "hidden": hidden_note},
        "note": {"own": note, "hidden": hidden_note},
        "task": {"own": task, "hidden": hidden_task},
        "gadget": {
            "own": gadget_create(actor=owner, name="Widget OWNGADGET"),
            "hidden": gadget_create(actor=outsider, name="Widget HIDDENGADGET"),
        },
        "converted_lead": {"own": converted},
    }
    # a share on every shareable record, for the shares routes
    from sambandh.accounts.services_access import record_share_add

    for kind in ("person", "organization", "deal", "lead", "gadget"):
        for side, by, to in (("own", owner, manager), ("hidden", outsider, admin)):
            record = world.records[kind][side]
            share = record_share_add(actor=by, record_type=kind, record=record, user=to)
            world.share_ids[f"{kind}:{side}"] = share.pk
    world.extra = {"empty_team": factories.make_team("Empty team"), "team_b": team_b}
    for sides in world.records.values():
        for record in sides.values():
            record.refresh_from_db()
    world.pipeline.refresh_from_db()
    return world


def world_job(world: World) -> Any:
    """The owner's bulk job on their own person (tagged "authz", run and finished), made once:
    only the owner and an admin may see it or undo it."""
    job = world.extra.get("job")
    if job is None:
        from sambandh.bulk.runner import execute
        from sambandh.bulk.services import bulk_job_start

        job = bulk_job_start(
            actor=world.user("owner"),
            record_type="person",
            action="tag",
            ids=[world.records["person"]["own"].pk],
            tags=["authz"],
        )
        execute(job.pk)
        job.refresh_from_db()
        world.extra["job"] = job
    return job


def world_import(world: World) -> Any:
    """The owner's import of one person (run and finished), made once: only the owner and an
    admin may see it, its rows and its report."""
    job = world.extra.get("import")
    if job is None:
        import io

        from sambandh.imports.services import import_start

        job = import_start(
            actor=world.user("owner"),
            record_type="people",
            upload=io.BytesIO(b"Name,Email\nImported Ida,ida@example.com\n"),
            filename="authz.csv",
            mapping={"Name": "full_name", "Email": "email"},
            background=False,
        )
        world.extra["import"] = job
    return job


def world_bin_entry(world: World) -> Any:
    """A person of the owner's, deleted by them, in the recycle bin (made once): only the owner
    and an admin may see or restore the entry."""
    entry = world.extra.get("bin_entry")
    if entry is None:
        from sambandh.contacts.models import Person
        from sambandh.contacts.services import person_delete
        from sambandh.recyclebin.models import BinEntry
        from tests import factories

        person = factories.make_person(world.user("owner"), full_name="Binned Bittern")
        person_delete(actor=world.user("owner"), person=Person.objects.get(pk=person.pk))
        entry = BinEntry.objects.get(record_type="person", record_id=person.pk)
        world.extra["bin_entry"] = entry
    return entry


def world_privacy_request(world: World) -> Any:
    """A correction request about the owner's person, made by the admin (once): only
    administrators may see or act on it."""
    found = world.extra.get("privacy_request")
    if found is None:
        from sambandh.privacy.services import request_create

        found = request_create(
            actor=world.user("admin"),
            type="correction",
            person_id=world.records["person"]["own"].pk,
        )
        world.extra["privacy_request"] = found
    return found


def world_retention_policy(world: World) -> Any:
    """A retention policy made by the admin, off (once)."""
    found = world.extra.get("retention_policy")
    if found is None:
        from sambandh.privacy.retention import policy_create

        found = policy_create(
            actor=world.user("admin"),
            data={"record_type": "lead", "days": 3650, "action": "delete"},
        )
        world.extra["retention_policy"] = found
    return found
