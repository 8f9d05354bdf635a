"""The stream-source interface trigger consumers read through (DESIGN.md principle 4): list
shards with lineage, read from a position, wait for more. `LocalStreamSource` reads the
in-process change log; a remote source (a DynamoDB Streams endpoint) can implement the same
protocol and reuse all batching, retry and checkpoint logic.

Positions are the log's sequence counters: "after N" means records with counter > N.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from headwater.streams import store
from headwater.streams.log import StreamLog
from headwater.streams.model import Shard


@dataclass(frozen=True, slots=True)
class ShardInfo:
    shard_id: str
    parent_shard_id: str | None
    closed: bool


@dataclass(frozen=True, slots=True)
class SourceRecord:
    seq: int
    created: float  # when the stream received the record (epoch seconds, clock time)
    blob: bytes  # the GetRecords wire record, JSON


class StreamSource(Protocol):
    def position_now(self) -> int: ...

    def exists(self, stream_arn: str) -> bool: ...

    def shards(self, stream_arn: str) -> list[ShardInfo]: ...

    def hash_key(self, stream_arn: str) -> str | None: ...

    def read(self, stream_arn: str, shard_id: str, after: int,
             limit: int) -> list[SourceRecord]: ...

    def is_closed(self, stream_arn: str, shard_id: str) -> bool: ...

    async def wait_for_records(self, stream_arn: str, shard_id: str,
                               timeout: float | None, after: int | None = None) -> bool: ...

    async def wait_for_shards(self, stream_arn: str, timeout: float | None) -> bool: ...


class LocalStreamSource:
    """The in-process change log, woken by its append subscription (no polling)."""

    def __init__(self, log: StreamLog) -> None:
        self.log = log

    def position_now(self) -> int:
        """A position every record appended from now on lies after (StartingPosition LATEST)."""
        return int(self.log.sequence)

    def exists(self, stream_arn: str) -> bool:
        return stream_arn in self.log.by_arn

    def shards(self, stream_arn: str) -> list[ShardInfo]:
        stream = self.log.by_arn.get(stream_arn)
        if stream is None:
            return []
        return [ShardInfo(s.shard_id, s.parent_shard_id, s.closed)
                for s in self.log.shards_of(stream)]

    def hash_key(self, stream_arn: str) -> str | None:
        """The table's partition key attribute (ParallelizationFactor routes by it)."""
        stream = self.log.by_arn.get(stream_arn)
        if stream is None:
            return None
        for key in stream.key_schema:
            if key.get("KeyType") == "HASH":
                return str(key["AttributeName"])
        return None

    def _shard(self, stream_arn: str, shard_id: str) -> Shard | None:
        # Looked up afresh on every call: the log rebuilds its Shard objects on reload.
        stream = self.log.by_arn.get(stream_arn)
        if stream is None:
            return None
        for shard in self.log.shards.get(stream.id, []):
            if shard.shard_id == shard_id:
                return shard
        return None

    def read(self, stream_arn: str, shard_id: str, after: int, limit: int) -> list[SourceRecord]:
        shard = self._shard(stream_arn, shard_id)
        if shard is None:
            return []
        rows = store.read_records(self.log.storage.conn, shard.pk, after + 1, limit)
        return [SourceRecord(seq, created, bytes(blob)) for seq, created, blob in rows]

    def is_closed(self, stream_arn: str, shard_id: str) -> bool:
        shard = self._shard(stream_arn, shard_id)
        return shard is None or shard.closed

    async def wait_for_records(self, stream_arn: str, shard_id: str,
                               timeout: float | None, after: int | None = None) -> bool:
        shard = self._shard(stream_arn, shard_id)
        if shard is None or shard.closed:
            return True
        return await self.log.wait_for_records(shard, timeout, after)

    async def wait_for_shards(self, stream_arn: str, timeout: float | None) -> bool:
        stream = self.log.by_arn.get(stream_arn)
        if stream is None:
            return False
        return await self.log.wait_for_shards(stream, timeout)
