"""`GET /metrics`: Prometheus text exposition of the process collectors and every component
registry the runtime holds (stream GetRecords counters, trigger metrics)."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST.encode()


def exposition(runtime: Any) -> bytes:
    parts = [generate_latest(REGISTRY)]
    for owner in (getattr(runtime, "cloudwatch", None), getattr(runtime, "triggers", None)):
        registry = getattr(owner, "registry", None) or getattr(
            getattr(owner, "metrics", None), "registry", None)
        if registry is not None:
            parts.append(generate_latest(registry))
    return b"".join(parts)
