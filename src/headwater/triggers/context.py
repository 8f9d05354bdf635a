"""What the event source mapping operations reach through their context: the trigger manager,
the change log (the mapping's source), the clock, and the functions a mapping may name. The
composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.core.authority import Authority
    from headwater.core.clock import Clock
    from headwater.streams.log import StreamLog
    from headwater.triggers.manager import TriggerManager


class FunctionResolver(Protocol):
    """The function service, as far as mappings look at it: does this function exist? Raises
    ResourceNotFoundException when it does not."""

    def resolve(self, account: str, region: str, function_name: str,
                qualifier: str | None = None, /) -> object: ...

    def role_of(self, function_arn: str) -> str | None:
        """The execution role of the function (and qualifier) an ARN names, or None."""


class TriggersServices(context.Served, Protocol):
    @property
    def clock(self) -> Clock: ...

    @property
    def streams(self) -> StreamLog: ...

    @property
    def triggers(self) -> TriggerManager: ...

    @property
    def functions(self) -> FunctionResolver: ...

    @property
    def authority(self) -> Authority: ...

    @property
    def stream_endpoint(self) -> str | None:
        """`serve --stream-endpoint`: stream ARNs that are not this server's are that
        engine's (triggers/remote/)."""


RequestContext = context.RequestContext[TriggersServices]
