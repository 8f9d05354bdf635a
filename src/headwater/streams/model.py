"""Streams and shards as the change log holds them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Sequence numbers are a global counter offset so every one has 21 digits, as AWS's do.
SEQUENCE_BASE = 10**20
RETENTION_SECONDS = 24 * 3600.0


def format_sequence(seq: int) -> str:
    return str(SEQUENCE_BASE + seq)


def parse_sequence(text: str) -> int | None:
    """The counter value for a sequence number string, or None when it is not one of ours."""
    if not text.isdigit():
        return None
    value = int(text) - SEQUENCE_BASE
    return value if value >= 0 else 0


@dataclass(slots=True)
class Stream:
    id: int
    account: str
    region: str
    table_name: str
    arn: str
    label: str
    view_type: str
    key_schema: list[dict[str, Any]]
    shard_count: int
    created: float
    disabled_at: float | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


@dataclass(slots=True)
class Shard:
    pk: int
    stream_id: int
    shard_id: str
    parent_shard_id: str | None
    lane: int
    start_seq: int
    end_seq: int | None
    created: float
    trimmed_seq: int = 0

    @property
    def closed(self) -> bool:
        return self.end_seq is not None
