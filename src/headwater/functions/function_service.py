"""The function service as its parts see it (the invoker, the event queue, destinations and the
sandbox): a Protocol that `registry.Functions` provides, so the parts need not import the
registry that builds them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from headwater.core.authority import Authority
    from headwater.core.clock import Clock
    from headwater.functions.invocation import InvokeResult, Resolved
    from headwater.functions.isolation import UserIds
    from headwater.functions.node_sdk import NodeSdk
    from headwater.functions.pool import EnvironmentPool
    from headwater.functions.runtime_sdk import RuntimeSdks
    from headwater.functions.store import FunctionStore
    from headwater.logs.store import LogStore
    from headwater.wire.credentials import Credentials


class Deliver(Protocol):
    """Send `message` (with message `attributes`) to an SQS queue or SNS topic by ARN, inside
    the caller's transaction; raises the destination's AwsError when it cannot."""

    def __call__(self, account: str, region: str, destination: str, message: str,
                 attributes: dict[str, Any] | None = None, /) -> None: ...


class EventSink(Protocol):
    """Where Event invocations are queued (event_queue.EventQueue)."""

    def enqueue(self, resolved: Resolved, payload: bytes, request_id: str | None = None) -> str:
        ...


class FunctionService(Protocol):
    @property
    def clock(self) -> Clock: ...

    @property
    def store(self) -> FunctionStore: ...

    @property
    def logs(self) -> LogStore: ...

    @property
    def pool(self) -> EnvironmentPool: ...

    @property
    def events(self) -> EventSink: ...

    @property
    def endpoint(self) -> str: ...

    @property
    def sdks(self) -> RuntimeSdks: ...

    @property
    def node_sdk(self) -> NodeSdk:
        """The AWS SDK for JavaScript v3 that Node.js workers resolve (node_sdk.py)."""
        ...

    @property
    def credentials(self) -> Credentials | None: ...

    @property
    def deliver(self) -> Deliver: ...

    @property
    def record(self) -> Callable[..., None]:
        """AWS/Lambda metrics: `record(account, region, metric, dimensions, value, unit)`
        (functions/metrics.py)."""
        ...

    @property
    def worker_token(self) -> str:
        """Tags this server's workers (worker_processes.py)."""
        ...

    @property
    def user_ids(self) -> UserIds | None:
        """The user ids isolated workers run under; None when workers are not isolated."""
        ...

    @property
    def hidden_root(self) -> Path:
        """What isolated workers must not see: the data directory (or in-memory code root)."""
        ...

    @property
    def authority(self) -> Authority: ...

    def code_dir(self, config: dict[str, Any]) -> Path: ...

    def resolve(self, account: str, region: str, function_name: str,
                qualifier: str | None = None) -> Resolved: ...

    async def invoke(self, account: str, region: str, function_name: str, payload: bytes,
                     qualifier: str | None = None, *, invocation_type: str = "RequestResponse",
                     log_type: str | None = None, client_context: str | None = None,
                     request_id: str | None = None) -> InvokeResult: ...
