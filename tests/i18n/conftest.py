from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language_after() -> Iterator[None]:
    """A request leaves its language active on the thread (LocaleMiddleware activates, nothing
    deactivates): put the default back so that the next test starts in English."""
    yield
    translation.deactivate()
