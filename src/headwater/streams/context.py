"""What the DynamoDB Streams operations reach through their context: the change log, the
tables (ListStreams tells a table without streams from a missing one) and the per-shard read
limits (GetRecords). The composition root's
runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.streams.log import StreamLog
    from headwater.streams.read_limits import ReadLimits


class Tables(Protocol):
    """The table catalog, as far as the streams operations look at it."""

    def find(self, account: str, region: str, name: str, /) -> object | None: ...


class StreamsServices(context.Served, Protocol):
    @property
    def streams(self) -> StreamLog: ...

    @property
    def tables(self) -> Tables: ...

    @property
    def stream_read_limits(self) -> ReadLimits: ...


RequestContext = context.RequestContext[StreamsServices]
