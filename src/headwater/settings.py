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
    # --cache-size / --mmap-size, in MB: SQLite's page cache and memory-mapped reads of the
    # database file (None: core/storage.py's defaults, sized from the machine's memory).
    cache_mb: int | None = None
    mmap_mb: int | None = None
    log_level: str = "info"
    stream_shards: int = 4
    shard_rollover: float = 4 * 3600.0
    ttl_interval: float = 1.0
    retention_interval: float = 60.0
    trigger_retry_delay: float = 0.05
    # --stream-read-limits on: GetRecords throttles beyond AWS's per-shard rate and readers.
    stream_read_limits: bool = False
    # --credentials: every AWS API request must be signed by one of these keys (None: any
    # request is accepted, signatures unchecked).
    credentials: Credentials | None = None
    # --max-workers: function worker processes alive at once (0: what the machine can hold,
    # at most AWS's account concurrency of 1,000; functions/pool.py).
    max_workers: int = 0
    # --worker-isolation auto: as root, workers get a user id and mount namespace of their
    # own (functions/isolation.py); False (off): they run as the server's user.
    worker_isolation: bool = True
    # --enforce-iam: requests by IAM users and role sessions are authorised by their policies
    # (and resource policies); Lambda checks execution roles; workers run as their role.
    enforce_iam: bool = False
    # The HTTP server's limits on clients (http/server.py Limits); None: from the descriptor
    # limit.
    max_connections: int | None = None
    head_timeout: float = 20.0
    body_timeout: float = 20.0
    min_body_rate: int = 500
    idle_timeout: float = 60.0
    # --stream-endpoint (issue 18, triggers/remote/): mappings on stream ARNs that are not
    # this server's read that engine's DynamoDB Streams, sharing its shards with the other
    # workers through leases in --lease-table on that engine.
    stream_endpoint: str | None = None
    stream_region: str | None = None
    stream_profile: str | None = None
    lease_table: str = "headwater-leases"
    lease_duration: float = 10.0
    # --serve-processes N (docs/multicore.md): processes answering DynamoDB reads from the
    # database beside this one, on the same port; 0: none, this process serves everything.
    serve_processes: int = 0

    @property
    def address(self) -> str:
        """`host:port` where this server is reached from its own machine: a wildcard listen
        address is reached on loopback. `port` is the bound port (the command line's 0 is
        replaced once the socket is bound, before anything is built)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"{host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The server's URL, as function workers' AWS_ENDPOINT_URL."""
        return f"http://{self.address}"
