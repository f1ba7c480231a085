"""Fixtures for the page tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def browser_for() -> Any:
    """``browser_for(user)``: a test client with ``user`` signed in through the session."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
