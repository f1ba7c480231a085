"""Dated exchange rates: one row says what one unit of ``base`` cost in ``quote`` on ``date``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        CSV = "csv", _("Imported from a file")
        PROVIDER = "provider", _("Fetched from the provider")

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    # Wide enough for 1 BHD in IDR (about 43,000) and for 1 IDR in BHD (0.0000230...).
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "base", "quote"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            # One rate per pair and day: a second entry for the day replaces the first.
            models.UniqueConstraint(fields=["base", "quote", "date"], name="rate_pair_day_unique"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(base=models.F("quote")), name="rate_two_currencies"
            ),
        ]
        indexes = [models.Index(fields=["-date", "-id"], name="rate_newest_idx")]

    def __str__(self) -> str:
        return f"{self.date} 1 {self.base} = {self.rate} {self.quote}"
