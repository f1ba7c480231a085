"""The administrator a fresh installation starts with, and where its first password is kept."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from sambandh.accounts.models import Role, User
from sambandh.accounts.services import user_create

FIRST_LOGIN_FILE = "first-login.txt"


def first_login_path() -> Path:
    return Path(settings.DATA_DIR) / FIRST_LOGIN_FILE


def demo_admin_ensure() -> tuple[User, str | None]:
    """The first active administrator, created (admin@example.com, a random password) when there
    is none. The password is returned while the first-login file (mode 600, in the data folder)
    still holds the one that works, so `sambandh serve --demo` can print it on every start."""
    path = first_login_path()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        password = secrets.token_urlsafe(12)
        admin = user_create(
            email="admin@example.com",
            role=Role.ADMIN,
            password=password,
            full_name="Admin",
            time_zone="Asia/Kolkata",
            currency="INR",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{admin.email}\n{password}\n", encoding="utf-8")
        path.chmod(0o600)
        return admin, password
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) >= 2 and lines[0] == admin.email and admin.check_password(lines[1]):
            return admin, lines[1]
    return admin, None
