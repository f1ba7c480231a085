"""Users (who log in by email), teams in a hierarchy, record sharing and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    MARKETER = "marketer", _("Marketer")
    READ_ONLY = "read_only", _("Read-only")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Services (accounts.services.user_create) are the way to add users; this exists for
        # Django's own commands and the test client.
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are stored lower-cased; people type them any way.
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES_REP)
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # How numbers and dates are written (a BCP 47 tag such as en-IN), apart from the interface
    # language; blank follows the language (core.formats.locale_for).
    format_locale = models.CharField(_("number and date format"), max_length=10, blank=True)
    native_digits = models.BooleanField(_("native digits"), default=False)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:  # Django admin access follows the role.
        return self.role == Role.ADMIN

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role != Role.READ_ONLY

    @property
    def can_review_duplicates(self) -> bool:
        """For the sidebar's entry; the policy decides (accounts/policy.py)."""
        from sambandh.accounts.policy import can_review_duplicates

        return can_review_duplicates(self)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class RecordShare(models.Model):
    """A record shared with one user or with a whole team (exactly one of the two)."""

    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    can_edit = models.BooleanField(default=True)
    shared_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(team__isnull=True))
                | (models.Q(user__isnull=True) & models.Q(team__isnull=False)),
                name="share_user_xor_team",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "record_type", "record_id"], name="share_user_idx"),
            models.Index(fields=["team", "record_type", "record_id"], name="share_team_idx"),
            models.Index(fields=["record_type", "record_id"], name="share_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


#: What a token made before scopes existed may do, and the widest scope: everything.
FULL_ACCESS = "all:write"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once, at creation.

    ``scopes`` is what it may do, space-separated (``people:read deals:write``; ``all:read``,
    ``all:write``): sambandh/accounts/scopes.py reads and enforces it. Scopes and expiry are
    chosen at creation and never change afterwards (the read lane remembers a token's)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=500, default=FULL_ACCESS)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class FieldRule(models.Model):
    """One role's access to one field of one record type: hidden, or read-only.

    No row means the role sees and edits the field. Administrators are never restricted. The API
    and the settings page group the rows of a field as ``hidden_from`` / ``read_only_for`` lists
    (accounts/policy.py); one row per role lets the read lane ask "does any rule apply to this
    role?" in the statement it already runs."""

    class Access(models.TextChoices):
        HIDDEN = "hidden", _("hidden")
        READ_ONLY = "read_only", _("read-only")

    record_type = models.CharField(max_length=40)
    field = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices)
    access = models.CharField(max_length=10, choices=Access.choices)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "field", "role"], name="fieldrule_unique"
            )
        ]
        indexes = [models.Index(fields=["role", "record_type"], name="fieldrule_role_idx")]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.field}: {self.access} for {self.role}"


class CompanySettings(models.Model):
    """The company's defaults: the language, time zone and currency new users start with.

    One row at most (id 1), written by ``services.company_settings_update``; until then
    ``selectors.company_settings()`` answers the defaults from the settings file."""

    SINGLETON_ID = 1

    language = models.CharField(_("language"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    currency = models.CharField(_("currency"), max_length=3)
    # Administrators without multi-factor authentication are sent to set it up before anything
    # else (sambandh/mfa/middleware.py).
    require_admin_mfa = models.BooleanField(
        _("require multi-factor authentication for administrators"), default=False
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="company_settings_singleton")
        ]

    def __str__(self) -> str:
        return f"{self.language} · {self.time_zone} · {self.currency}"
