"""Server settings, read once from the command line and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headwater.wire.credentials import Credentials


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path | None = None  # None: in memory
    durability: str = "normal"
    log_level: str = "info"
    stream_shards: int = 4
    shard_rollover: float = 4 * 3600.0
    ttl_interval: float = 1.0
    retention_interval: float = 60.0
    trigger_retry_delay: float = 0.05
    # --credentials: every AWS API request must be signed by one of these keys (None: any
    # request is accepted, signatures unchecked).
    credentials: Credentials | None = None
    # --max-workers: function worker processes alive at once (0: what the machine can hold,
    # at most AWS's account concurrency of 1,000; functions/pool.py).
    max_workers: int = 0
