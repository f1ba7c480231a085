"""Sign-in security as rows: failed logins, the locks they cause, password reset requests, and
the sessions (Django's session table with who, from where and when last seen)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One refused password, for counting: kept only as long as the counting window (the audit
    trail keeps the record). ``username`` is what was typed, lower-cased, known user or not."""

    at = models.DateTimeField(default=timezone.now)
    username = models.CharField(max_length=254)
    ip = models.CharField(max_length=45)

    class Meta:
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="loginfailure_account_idx"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """Logins refused until ``until``: for one account from one address (``username`` set), or
    for every account from one address (``username`` empty)."""

    username = models.CharField(max_length=254, blank=True)
    ip = models.CharField(max_length=45)
    locked_at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ip", "username", "until"], name="loginlock_key_idx")]

    def __str__(self) -> str:
        return f"{self.username or '*'} from {self.ip} until {self.until:%Y-%m-%d %H:%M:%S}"


class ResetRequest(models.Model):
    """One password reset request, for the per-address and per-email rate limits. The email is
    stored as its keyed hash: the table says nothing about who asked."""

    at = models.DateTimeField(default=timezone.now)
    ip = models.CharField(max_length=45)
    email_digest = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["ip", "at"], name="resetrequest_ip_idx"),
            models.Index(fields=["email_digest", "at"], name="resetrequest_email_idx"),
        ]

    def __str__(self) -> str:
        return f"reset from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"


class UserSession(AbstractBaseSession):
    """Django's session row (the engine is sambandh.security.session_store) plus what the
    user's list of sessions shows. Every column is derived from the session's own data when it
    is saved, so Django's save (an UPDATE of every column) keeps them consistent.

    ``key_digest`` names a session in pages and forms: the session key itself is a secret."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        # A session may be saved by a request that still holds a user deleted meanwhile.
        db_constraint=False,
        related_name="+",
    )
    key_digest = models.CharField(max_length=64, db_index=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expire_date"], name="usersession_user_idx")]

    @classmethod
    def get_session_store_class(cls) -> type:
        from sambandh.security.session_store import SessionStore

        return SessionStore


class ApiRateWindow(models.Model):
    """How many API requests one key (``token:<id>``) made in one fixed window (``window_start``:
    its start, in seconds since the epoch). One row per key and window, counted up by one
    statement (security/api_limits.py); the hourly purge deletes past windows."""

    key = models.CharField(max_length=40)
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="apiratewindow_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.hits}"
