"""`RemoteStreamSource`: triggers/stream_source.py's protocol over a remote engine's public
DynamoDB Streams API (DescribeStream with shard pagination, GetShardIterator, GetRecords).

Reading follows AWS Lambda's discipline (aws-facts §4.1, §1.4-1.5): at most 4 GetRecords calls
a second per shard (Lambda's polling rate; DynamoDB Streams throttles readers past ~5 and more
than 2 readers per shard), one call in flight per shard, exponential back-off with jitter on
LimitExceededException, other throttles, 5xx and an unreachable engine; a new iterator after
ExpiredIteratorException (15 min) from the last record read; TrimmedDataAccessException (the
position was trimmed past the 24 h retention) resumes at TRIM_HORIZON, as Lambda resumes an
event source mapping whose checkpoint was trimmed; a shard whose GetRecords answer has no
NextShardIterator is closed and finished once read.

Positions. The protocol's positions are integers, and the trigger code turns a position back
into a sequence number as `streams.model.format_sequence` does (partial batch responses,
OnFailure records): a remote record's position is its sequence number less SEQUENCE_BASE, so
those agree with what the function saw. Sequence numbers may skip values; the checkpoint a
consumer stages (any position) maps to the last record at or before it (`sequence_of`), and the
lease table holds that record's sequence number, never anything local. Records stay buffered
from the checkpoint on, so a consumer that starts a batch over (`_reset`) reads them again
without a GetRecords call; `release` drops what a checkpoint passed.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import random
import time
from dataclasses import dataclass, field

from headwater.streams.model import SEQUENCE_BASE
from headwater.triggers.remote.client import RemoteClients, error_code, is_transient
from headwater.triggers.remote.records import created_at, wire_record
from headwater.triggers.stream_source import ShardInfo, SourceRecord

log = logging.getLogger("headwater.triggers.remote")
POLLS_PER_SECOND = 4.0  # Lambda's rate per shard (aws-facts §4.1)
RECORDS_PER_CALL = 1000  # GetRecords' Limit maximum (aws-facts §1.5)
BACKOFF_BASE = 0.25
BACKOFF_CAP = 5.0
TRIM_HORIZON = "TRIM_HORIZON"
LATEST = "LATEST"
SHARD_END = "SHARD_END"
START = -SEQUENCE_BASE - 1  # before sequence number 0: TRIM_HORIZON and LATEST


def backoff(failures: int) -> float:
    """Full-jitter exponential back-off (AWS Architecture Blog, "Exponential Backoff And
    Jitter"), never below a quarter of the base."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(failures, 8))
    return max(BACKOFF_BASE / 4, random.uniform(0, ceiling))


@dataclass(slots=True)
class _Stream:
    shards: list[ShardInfo] = field(default_factory=list)
    hash_key: str | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(slots=True)
class _Reader:
    """One shard's read state for the consumer of one lease tenure."""

    stream_arn: str
    shard_id: str
    floor: str  # the checkpoint the buffer starts after: TRIM_HORIZON, LATEST or a sequence
    records: list[SourceRecord] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # the records' positions, for bisect
    sequences: list[str] = field(default_factory=list)  # the records' sequence numbers
    last: str = ""  # the sequence number of the last record fetched ("" before any)
    restart: str = ""  # TRIM_HORIZON after TrimmedDataAccessException
    iterator: str | None = None
    ended: bool = False
    last_poll: float = 0.0  # time.monotonic() of the last GetRecords
    failures: int = 0
    fetch: asyncio.Task[None] | None = None

    def after(self, position: int | None) -> int:
        """Index of the first buffered record past `position`."""
        return 0 if position is None else bisect.bisect_right(self.positions, position)


def position_of(sequence: str) -> int:
    """A checkpoint's position: a sequence number's, or one before every record's."""
    if sequence.isdigit():
        return int(sequence) - SEQUENCE_BASE
    return START


class RemoteStreamSource:
    def __init__(self, clients: RemoteClients,
                 polls_per_second: float = POLLS_PER_SECOND) -> None:
        self.clients = clients
        self.interval = 1.0 / polls_per_second
        self._streams: dict[str, _Stream] = {}
        self._readers: dict[tuple[str, str], _Reader] = {}

    # -- shards ------------------------------------------------------------------------------

    async def refresh(self, stream_arn: str) -> list[ShardInfo]:
        """DescribeStream, every page of shards (ExclusiveStartShardId); raises what the call
        raises (the coordinator backs off)."""
        shards: list[ShardInfo] = []
        request: dict[str, str] = {"StreamArn": stream_arn}
        key: str | None = None
        while True:
            answer = await self.clients.streams_call("describe_stream", **request)
            description = answer["StreamDescription"]
            for key_part in description.get("KeySchema", []):
                if key_part.get("KeyType") == "HASH":
                    key = str(key_part["AttributeName"])
            for shard in description.get("Shards", []):
                ending = shard.get("SequenceNumberRange", {}).get("EndingSequenceNumber")
                shards.append(ShardInfo(shard["ShardId"], shard.get("ParentShardId"),
                                        ending is not None))
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            request["ExclusiveStartShardId"] = last
        stream = self._streams.setdefault(stream_arn, _Stream())
        if shards != stream.shards:
            stream.shards = shards
            stream.changed.set()
            stream.changed = asyncio.Event()
        stream.hash_key = key
        return shards

    def position_now(self) -> int:
        return 0  # a remote mapping's LATEST is the lease's initial checkpoint instead

    def exists(self, stream_arn: str) -> bool:
        return stream_arn in self._streams

    def shards(self, stream_arn: str) -> list[ShardInfo]:
        stream = self._streams.get(stream_arn)
        return [] if stream is None else list(stream.shards)

    def hash_key(self, stream_arn: str) -> str | None:
        stream = self._streams.get(stream_arn)
        return None if stream is None else stream.hash_key

    async def wait_for_shards(self, stream_arn: str, timeout: float | None) -> bool:
        stream = self._streams.setdefault(stream_arn, _Stream())
        try:
            await asyncio.wait_for(stream.changed.wait(), timeout)
        except TimeoutError:
            return False
        return True

    # -- one lease tenure's reading ------------------------------------------------------------

    def open(self, stream_arn: str, shard_id: str, checkpoint: str) -> int:
        """Start reading a shard after `checkpoint` (a sequence number, TRIM_HORIZON or
        LATEST); returns the position the consumer starts from."""
        self.close(stream_arn, shard_id)
        self._readers[(stream_arn, shard_id)] = _Reader(stream_arn, shard_id, checkpoint)
        return position_of(checkpoint)

    def close(self, stream_arn: str, shard_id: str) -> None:
        reader = self._readers.pop((stream_arn, shard_id), None)
        if reader is not None and reader.fetch is not None:
            reader.fetch.cancel()

    def sequence_of(self, stream_arn: str, shard_id: str, position: int) -> str:
        """The remote checkpoint for "everything up to `position` is processed": the last
        record read at or before it, or where reading started."""
        reader = self._readers[(stream_arn, shard_id)]
        index = bisect.bisect_right(reader.positions, position)
        return reader.sequences[index - 1] if index else reader.floor

    def created_of(self, stream_arn: str, shard_id: str, position: int) -> float | None:
        reader = self._readers.get((stream_arn, shard_id))
        if reader is None:
            return None
        index = bisect.bisect_right(reader.positions, position)
        return reader.records[index - 1].created if index else None

    def release(self, stream_arn: str, shard_id: str, position: int) -> None:
        """Everything up to `position` is checkpointed: forget it."""
        reader = self._readers.get((stream_arn, shard_id))
        if reader is None:
            return
        cut = bisect.bisect_right(reader.positions, position)
        if cut:
            reader.floor = reader.sequences[cut - 1]
            del reader.records[:cut]
            del reader.positions[:cut]
            del reader.sequences[:cut]

    def backlog(self, stream_arn: str, shard_id: str) -> tuple[int, float | None]:
        """Records read but not checkpointed, and the creation time of the oldest of them."""
        reader = self._readers.get((stream_arn, shard_id))
        if reader is None or not reader.records:
            return 0, None
        return len(reader.records), reader.records[0].created

    def read(self, stream_arn: str, shard_id: str, after: int, limit: int) -> list[SourceRecord]:
        reader = self._readers.get((stream_arn, shard_id))
        if reader is None:
            return []
        start = reader.after(after)
        return reader.records[start:start + limit]

    def is_closed(self, stream_arn: str, shard_id: str) -> bool:
        reader = self._readers.get((stream_arn, shard_id))
        return reader is None or reader.ended

    async def wait_for_records(self, stream_arn: str, shard_id: str,
                               timeout: float | None, after: int | None = None) -> bool:
        """Poll (paced, one call in flight per shard) until a record past `after` is buffered
        or the shard has ended; False when `timeout` passes first."""
        reader = self._readers.get((stream_arn, shard_id))
        deadline = None if timeout is None else time.monotonic() + timeout
        while reader is not None and self._readers.get((stream_arn, shard_id)) is reader:
            if reader.ended or reader.after(after) < len(reader.records):
                return True
            if reader.fetch is None or reader.fetch.done():
                reader.fetch = asyncio.create_task(self._fetch(reader),
                                                   name=f"remote-{shard_id}")
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            done, _ = await asyncio.wait([reader.fetch], timeout=left)
            if not done:
                return False
        return True

    # -- the Streams calls ---------------------------------------------------------------------

    async def _fetch(self, reader: _Reader) -> None:
        """One paced GetRecords for the reader (taking an iterator first if it has none)."""
        pause = reader.last_poll + self.interval - time.monotonic()
        if pause > 0:
            # Pacing a remote engine's shard is wall-clock time, not the server's clock.
            await asyncio.sleep(pause)
        try:
            if reader.iterator is None:
                reader.iterator = await self._iterator(reader)
                if reader.iterator is None:
                    return
            reader.last_poll = time.monotonic()
            answer = await self.clients.streams_call(
                "get_records", ShardIterator=reader.iterator, Limit=RECORDS_PER_CALL)
        except Exception as error:
            await self._failed(reader, error)
            return
        reader.failures = 0
        for record in answer.get("Records", []):
            sequence = str(record["dynamodb"]["SequenceNumber"])
            position = position_of(sequence)
            if reader.positions and position <= reader.positions[-1]:
                continue  # read twice (an iterator renewed from an older position)
            reader.records.append(SourceRecord(position, created_at(record),
                                               wire_record(record)))
            reader.positions.append(position)
            reader.sequences.append(sequence)
            reader.last = sequence
        reader.iterator = answer.get("NextShardIterator")
        if reader.iterator is None:
            reader.ended = True

    async def _iterator(self, reader: _Reader) -> str | None:
        start = reader.restart or reader.last or reader.floor
        request = {"StreamArn": reader.stream_arn, "ShardId": reader.shard_id}
        if start in (TRIM_HORIZON, LATEST):
            request["ShardIteratorType"] = start
        else:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=start)
        answer = await self.clients.streams_call("get_shard_iterator", **request)
        iterator = answer.get("ShardIterator")
        reader.restart = ""
        if iterator is None:
            reader.ended = True
        return None if iterator is None else str(iterator)

    async def _failed(self, reader: _Reader, error: Exception) -> None:
        code = error_code(error)
        where = f"{reader.stream_arn} {reader.shard_id}"
        if code == "ExpiredIteratorException":
            reader.iterator = None  # a new one from the last record read
        elif code == "TrimmedDataAccessException":
            # As Lambda does with a trimmed checkpoint: resume at the oldest record left.
            log.warning("remote stream %s: position trimmed; resuming at TRIM_HORIZON", where)
            reader.iterator = None
            reader.restart = TRIM_HORIZON
        elif code == "ResourceNotFoundException":
            log.warning("remote stream %s: shard not found; treating it as finished", where)
            reader.ended = True
        elif is_transient(error):
            reader.failures += 1
            delay = backoff(reader.failures)
            log.info("remote stream %s: %s; retrying in %.2f s", where,
                     code or type(error).__name__, delay)
            await asyncio.sleep(delay)
        else:
            # Anything else (an iterator the engine no longer knows after a restart, say):
            # start a new iterator from the last record read, after a pause.
            reader.failures += 1
            reader.iterator = None
            log.warning("remote stream %s: %s: %s", where, code or type(error).__name__, error)
            await asyncio.sleep(backoff(reader.failures))
