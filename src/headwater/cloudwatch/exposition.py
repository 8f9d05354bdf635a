"""`GET /metrics`: Prometheus text exposition of the process collectors and every component
registry the runtime holds (trigger metrics today)."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST.encode()


def exposition(runtime: Any) -> bytes:
    parts = [generate_latest(REGISTRY)]
    triggers = getattr(runtime, "triggers", None)
    if triggers is not None:
        parts.append(generate_latest(triggers.metrics.registry))
    return b"".join(parts)
