"""The test run's settings: the project's own, plus a record type that exists only in the tests
(tests/registry_app), declared once to prove the registry."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.registry_app"]
ROOT_URLCONF = "tests.registry_app.urls"

# Every update audit row must hold [before, after] per field (sambandh/core/audit.py).
AUDIT_REQUIRE_PAIRS = True
