"""Fixtures shared by the rooms' tests."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from kotacerdas.core.tests.browser import chromium_or_skip


@pytest.fixture
def chromium() -> str:
    """Debian's chromium for the real-browser tests (checked before any data is loaded)."""
    return chromium_or_skip()


@pytest.fixture
def demo_data(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """The real demo data, on top of the migrated rows (national framework) that serialized rollback restores."""
    call_command("load_demo", verbosity=0, stdout=StringIO())


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache (shared page copies, looked-up regions): the cache outlives a test's
    database transaction, and ids and times repeat from test to test."""
    cache.clear()
