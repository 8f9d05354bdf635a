"""What every operation receives besides its request: caller identity, the request id, and a
typed handle on the services the operation may use.

Core knows nothing above it: the handle's type is a parameter. Each service package names what
its operations need as a Protocol (`dynamodb/context.py`, `queues/context.py`, ...) and types its
operations with `RequestContext[ThatProtocol]`; the composition root (server.py) passes the one
object that provides them all (runtime.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

# Covariant: a context over the runtime is a context over any narrower view of it.
Services = TypeVar("Services", covariant=True)


@dataclass(slots=True)
class RequestContext(Generic[Services]):
    account: str
    region: str
    request_id: str
    runtime: Services
    host: str = ""  # the request's Host header, for URLs in responses (SQS queue URLs)
