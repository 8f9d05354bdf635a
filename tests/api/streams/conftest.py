"""Fixtures for the Streams tests: a private server for tests that move the clock a long way
(so they do not age the shared server's data), with clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streams_support import Private


@pytest.fixture(scope="module")
def private() -> Iterator[Private]:
    """A server of this module's own, rollover every 600 s, TTL sweeps every 0.1 s."""
    running = Private("--in-memory", "--shard-rollover", "600", "--ttl-interval", "0.1")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def steady() -> Iterator[Private]:
    """A private server whose shards never roll over (for long clock jumps on one shard)."""
    running = Private("--in-memory", "--shard-rollover", "100000000", "--ttl-interval", "0.1")
    yield running
    running.stop()
