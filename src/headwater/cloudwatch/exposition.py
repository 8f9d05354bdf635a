"""`GET /metrics`: Prometheus text exposition of the process collectors and every component
registry the composition root hands over (stream GetRecords counters, trigger metrics,
background worker restarts)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST.encode()


def exposition(registries: Iterable[CollectorRegistry]) -> bytes:
    return b"".join(generate_latest(registry) for registry in (REGISTRY, *registries))
