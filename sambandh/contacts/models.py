"""People, organizations, their contact points, their links, and tags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.core.models import RecordModel, TimeStampedModel


class Tag(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60)
    color = models.CharField(_("color"), max_length=20, default="gray")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


def empty_contact_card() -> dict[str, list[dict[str, object]]]:
    return {"emails": [], "phones": [], "addresses": []}


class Organization(RecordModel):
    record_type = "organization"

    class Size(models.TextChoices):
        S1 = "1-10", "1–10"
        S2 = "11-50", "11–50"
        S3 = "51-200", "51–200"
        S4 = "201-1000", "201–1,000"
        S5 = "1001-5000", "1,001–5,000"
        S6 = "5001+", "5,001+"

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=12, choices=Size.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # An IANA zone (Asia/Kolkata): its people's working hours are read in it when they have none.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Where its data belongs ("eu", "us-ca"): retention, exports (contacts/residency.py).
    residency = models.CharField(
        _("residency"), max_length=10, blank=True, default="", db_default=""
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="organizations")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(fields=["owner", "name", "id"], name="org_owner_name_idx"),
            models.Index(fields=["name", "id"], name="org_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="org_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(RecordModel):
    record_type = "person"

    # Dr., Shri, Smt., Herr: shown before the name, never part of it (sorting, search).
    honorific = models.CharField(
        _("honorific"), max_length=40, blank=True, default="", db_default=""
    )
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    # The name as the person writes it, whole: used alone in cultures that do not split names.
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    # Compared by duplicate detection (exact, day and month swapped, one digit off).
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Denormalized at write time from the primary contact points and current affiliation, so
    # lists and search read one row per person.
    # Looked up whole (the list's email filter, duplicates): a plain index each, declared in
    # Meta (``db_index`` would add PostgreSQL's second, LIKE-only index, unused here and written
    # on every change of owner like every index: bulk assign rewrites 100,000 rows at a time).
    email = models.CharField(_("primary email"), max_length=254, blank=True)
    phone = models.CharField(_("primary phone"), max_length=20, blank=True)
    # The owner's own index would repeat the first column of person_owner_name_idx.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    preferred_language = models.CharField(_("preferred language"), max_length=20, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Where their data belongs ("eu", "us-ca"): retention, exports (contacts/residency.py).
    residency = models.CharField(
        _("residency"), max_length=10, blank=True, default="", db_default=""
    )
    description = models.TextField(_("about"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    # The contact points and tag names as the API record shows them, kept in step by the
    # services that write them (the rows stay the truth for search, duplicates and history), so
    # the API reads a person from this one row (contacts/record_json.py).
    contact_card = models.JSONField(default=empty_contact_card, blank=True, editable=False)
    tag_names = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["owner", "full_name", "id"], name="person_owner_name_idx"),
            models.Index(fields=["full_name", "id"], name="person_name_idx"),
            models.Index(fields=["-updated_at", "-id"], name="person_updated_idx"),
            models.Index(fields=["owner", "-updated_at", "-id"], name="person_owner_updated_idx"),
            models.Index(fields=["email"], name="person_email_idx"),
            models.Index(fields=["phone"], name="person_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class ContactPoint(TimeStampedModel):
    """Base of the contact points a person or an organization has (exactly one of the two)."""

    label = models.CharField(_("label"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        abstract = True
        ordering = ["-is_primary", "id"]


def _person_fk(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
    )


def _organization_fk(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
    )


def _one_owner(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(models.Q(person__isnull=False) & models.Q(organization__isnull=True))
        | (models.Q(person__isnull=True) & models.Q(organization__isnull=False)),
        name=name,
    )


class EmailAddress(ContactPoint):
    person = _person_fk("emails")
    organization = _organization_fk("emails")
    email = models.CharField(_("email"), max_length=254, db_index=True)

    class Meta(ContactPoint.Meta):
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        constraints = [_one_owner("email_one_owner")]


class PhoneNumber(ContactPoint):
    person = _person_fk("phones")
    organization = _organization_fk("phones")
    e164 = models.CharField(_("phone"), max_length=20, db_index=True)
    raw = models.CharField(_("as entered"), max_length=60, blank=True)

    class Meta(ContactPoint.Meta):
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [_one_owner("phone_one_owner")]

    @property
    def number(self) -> str:
        """The number as the API and the services name it (E.164)."""
        return self.e164


class PostalAddress(ContactPoint):
    person = _person_fk("addresses")
    organization = _organization_fk("addresses")
    street = models.TextField(_("street"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta(ContactPoint.Meta):
        verbose_name = _("postal address")
        verbose_name_plural = _("postal addresses")
        constraints = [_one_owner("address_one_owner")]


class SocialHandle(ContactPoint):
    person = _person_fk("social_handles")
    organization = _organization_fk("social_handles")
    network = models.CharField(_("network"), max_length=40)
    handle = models.CharField(_("handle"), max_length=200)

    class Meta(ContactPoint.Meta):
        verbose_name = _("social profile")
        verbose_name_plural = _("social profiles")
        constraints = [_one_owner("social_one_owner")]


class Affiliation(models.Model):
    """A person at an organization, with role and title; ended links are kept as history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-is_primary", "ended_on", "-started_on", "id"]
        indexes = [models.Index(fields=["organization", "person"], name="affiliation_org_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"


class Merge(models.Model):
    """One merge of people (or organizations) into one kept record, with everything its undo
    needs (contacts/services/merge.py): the kept record's values before, each link it moved,
    each row it changed or removed, the recycle bin entries of the merged records and the
    duplicate pairs it closed."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record_type = models.CharField(max_length=40)
    kept_id = models.BigIntegerField()
    merged_ids = models.JSONField(default=list)
    #: The field choices as given and applied: {"job_title": record id}.
    fields = models.JSONField(default=dict, blank=True)
    #: The kept record's row before the merge (serialised), and its version right after.
    kept_before = models.JSONField(default=dict)
    kept_version = models.PositiveIntegerField()
    #: Links moved to the kept record: [model label, row pk, field, old value].
    moved = models.JSONField(default=list, blank=True)
    #: Other values the merge changed on moved rows (a second primary email made secondary).
    changed = models.JSONField(default=list, blank=True)
    #: Rows removed because the kept record had the same one (a share with the same user),
    #: serialised to be put back; rows of that kind held by a foreign key stay on the merged
    #: record and go to the recycle bin with it: [model label, pk] in ``left``.
    removed = models.JSONField(default=list, blank=True)
    left = models.JSONField(default=list, blank=True)
    #: {merged id: recycle bin entry id}.
    bin_entries = models.JSONField(default=dict)
    #: Duplicate pairs marked merged: [pair id, status before].
    pairs = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [models.Index(fields=["record_type", "kept_id"], name="merge_kept_idx")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.merged_ids} -> {self.kept_id}"
