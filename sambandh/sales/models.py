"""Pipelines and their stages, leads, deals, and the stage history of every deal as rows."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambandh.contacts.models import Organization, Person, Tag
from sambandh.core.models import RecordModel, TimeStampedModel

#: Where a deal whose converted amount is unknown sorts: below every amount.
AMOUNT_UNKNOWN = Decimal(-1)


class Pipeline(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(_("archived"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.OPEN)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=100),
                name="stage_probability_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Lead(RecordModel):
    record_type = "lead"

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        UNQUALIFIED = "unqualified", _("Unqualified")
        CONVERTED = "converted", _("Converted")

    full_name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    # Indexed for the duplicate candidates of a lead being typed (dedupe/candidates_leads.py).
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=20, blank=True)
    description = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="leads")
    converted_at = models.DateTimeField(null=True, blank=True)
    converted_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_deal = models.ForeignKey(
        "Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="lead_owner_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Deal(RecordModel):
    record_type = "deal"

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=200)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    # Follows the stage's kind; kept on the row so open/won/lost filters need no join.
    status = models.CharField(
        _("status"), max_length=4, choices=Status.choices, default=Status.OPEN
    )
    # None: not known yet (shown as "—", never summed as 0).
    amount = models.DecimalField(
        _("amount"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3)
    # The amount in the company's currency at the rate of the deal's date, kept by
    # sales.services.deal_reporting_refresh: sorts and sums compare it (docs/architecture.md,
    # "Money"). None: no amount, or no rate to convert it.
    amount_reporting = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    people = models.ManyToManyField(Person, blank=True, related_name="deals")
    source = models.CharField(_("source"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    won_reason = models.CharField(_("won reason"), max_length=300, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    position = models.FloatField(default=0)  # order within a kanban column
    tags = models.ManyToManyField(Tag, blank=True, related_name="deals")

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["pipeline", "stage", "status"], name="deal_board_idx"),
            # A board column's cards, in their order.
            models.Index(
                fields=["pipeline", "stage", "-position", "-id"], name="deal_board_order_idx"
            ),
            models.Index(fields=["owner", "-updated_at", "-id"], name="deal_owner_updated_idx"),
            models.Index(fields=["-updated_at", "-id"], name="deal_updated_idx"),
            models.Index(fields=["organization", "status"], name="deal_org_idx"),
            # The list sorted by converted amount (the expression selectors.deal_list sorts on:
            # an unknown amount sorts below every known one).
            models.Index(
                Coalesce("amount_reporting", Value(AMOUNT_UNKNOWN)),
                "id",
                name="deal_amount_rep_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="deal_amount_nonneg"),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="deal_probability_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One row per stage a deal entered: the source of cycle-length and conversion analytics."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    amount = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3)
    probability = models.PositiveSmallIntegerField()
    # Seconds the deal spent in from_stage before this change.
    seconds_in_previous = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["deal", "changed_at"], name="stagechange_deal_idx")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"
