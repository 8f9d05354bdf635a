"""What the DynamoDB Streams operations reach through their context: the change log, and the
tables (ListStreams tells a table without streams from a missing one). The composition root's
runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.streams.log import StreamLog


class Tables(Protocol):
    """The table catalog, as far as the streams operations look at it."""

    def find(self, account: str, region: str, name: str, /) -> object | None: ...


class StreamsServices(context.Served, Protocol):
    @property
    def streams(self) -> StreamLog: ...

    @property
    def tables(self) -> Tables: ...


RequestContext = context.RequestContext[StreamsServices]
