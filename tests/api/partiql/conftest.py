"""Fixtures for the PartiQL API tests: tables with a hash key, or a hash and a range key."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def table(make_table: Callable[..., str]) -> str:
    """A table keyed by pk (S) only."""
    return make_table()


@pytest.fixture
def sorted_table(make_table: Callable[..., str]) -> str:
    """A table keyed by pk (S) and sk (N)."""
    return make_table(range_key="sk", range_type="N")
