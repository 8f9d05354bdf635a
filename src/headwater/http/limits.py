"""What a client may hold on the HTTP server: body and head sizes, the time to send them, idle
time, open connections and pipelined requests."""

from __future__ import annotations

import resource
from dataclasses import dataclass

# Requests a connection may queue (pipelined) before it stops reading from its socket.
MAX_PIPELINED = 16
# How long a refused request's remaining body is read and dropped before the connection closes.
LINGER = 10.0


def default_max_connections() -> int:
    """Open connections to allow: the descriptor limit less a quarter of it (at least 64) kept
    for the database, function workers and their Runtime APIs; at most 10,000."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(16, min(10_000, soft - max(64, soft // 4)))


@dataclass(frozen=True, slots=True)
class Limits:
    """What a client may hold: bytes of body (unless the `Head` hook sizes a request) and of
    head, seconds to send a head (from the connection's accept, then from each request's first
    byte), seconds to send a body (plus one for every `min_rate` bytes received), seconds a
    keep-alive connection may idle, and open connections (the rest get a 503)."""

    max_body: int = 16 * 1024 * 1024
    max_head: int = 64 * 1024
    head_timeout: float = 20.0
    body_timeout: float = 20.0
    min_rate: int = 500
    idle_timeout: float = 60.0
    max_connections: int = 1024

    @property
    def sweep_interval(self) -> float:
        return max(0.05, min(self.head_timeout, self.body_timeout, self.idle_timeout) / 4)
