"""The WSGI entry point (``sambandh serve`` runs it with granian): the web and the API, each with
its own middleware stack (config/handlers.py)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from config.handlers import Application  # noqa: E402

application = Application()
