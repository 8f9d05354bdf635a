"""`headwater stream TABLE [--follow]`: print a table's stream records from a running server
through the public DynamoDB and DynamoDB Streams APIs only (DescribeTable, DescribeStream,
GetShardIterator, GetRecords), as any external poller would (aws-facts §1.3-1.7).

Shards are read parents before children (so one item's changes print in order); with --follow
the shard list is re-read every second and whenever a shard is drained, so the children that
take over after a rollover are picked up. Each shard gets at most one GetRecords call every
0.2 s, AWS's 5 calls per second per shard."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

# AWS allows 5 GetRecords calls per second per shard.
SHARD_CALL_SECONDS = 0.2
# How long a throttled shard waits before its next call.
THROTTLED_SECONDS = 1.0
# How often --follow looks for new shards (DescribeStream allows 10 calls per second).
REFRESH_SECONDS = 1.0
START_TYPES = {"trim-horizon": "TRIM_HORIZON", "latest": "LATEST"}


class WatchError(Exception):
    """A problem worth one line on stderr (no such table, no stream)."""


def table_stream(ddb: Any, table: str) -> tuple[str, list[str]]:
    """(stream ARN, key attribute names hash first) of a table; WatchError if it has no stream."""
    description = ddb.describe_table(TableName=table)["Table"]
    arn = description.get("LatestStreamArn")
    if arn is None:
        raise WatchError(f"table {table} has no stream (enable one with UpdateTable "
                         "StreamSpecification)")
    schema = sorted(description["KeySchema"], key=lambda k: k["KeyType"] != "HASH")
    return arn, [k["AttributeName"] for k in schema]


@dataclass
class _Shard:
    shard_id: str
    parent: str | None
    kind: str  # where reading starts: TRIM_HORIZON or LATEST
    iterator: str | None = None
    last_sequence: str | None = None
    done: bool = False
    next_call: float = 0.0  # time.monotonic() before which it is not read again


class Watcher:
    """Reads every shard of one stream in lineage order and hands each record to `emit`."""

    def __init__(self, streams: Any, arn: str, start: str, follow: bool,
                 emit: Callable[[dict[str, Any], str], None], note: Callable[[str], None],
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.streams, self.arn, self.follow = streams, arn, follow
        self.start, self.emit, self.note, self.sleep, self.now = (
            START_TYPES[start], emit, note, sleep, now)
        self.shards: dict[str, _Shard] = {}
        self.enabled = True
        self.next_refresh = 0.0

    def run(self) -> None:
        """Without follow: until every shard is read to its end. With follow: until interrupted
        (or the stream is disabled and fully read)."""
        self._refresh(first=True)
        while True:
            drained = False
            for shard in self._readable():
                if shard.next_call <= self.now():
                    drained |= self._read(shard)
            if all(s.done for s in self.shards.values()) and (not self.follow or not self.enabled):
                if self.follow:
                    self.note("the stream is disabled and every record has been read")
                return
            if self.follow and (drained or self.now() >= self.next_refresh):
                self._refresh(first=False)
            waits = [s.next_call for s in self._readable()]
            if self.follow:
                waits.append(self.next_refresh)
            pause = min(waits, default=self.now()) - self.now()
            if pause > 0:
                self.sleep(pause)

    def _readable(self) -> list[_Shard]:
        """Unfinished shards whose parent is finished (or was trimmed away)."""
        def parent_done(shard: _Shard) -> bool:
            parent = self.shards.get(shard.parent) if shard.parent else None
            return parent is None or parent.done
        return [s for s in self.shards.values() if not s.done and parent_done(s)]

    def _refresh(self, first: bool) -> None:
        """Re-read the shard list: add new shards, forget trimmed ones."""
        listed: dict[str, dict[str, Any]] = {}
        kwargs: dict[str, Any] = {}
        while True:
            description = self.streams.describe_stream(StreamArn=self.arn, **kwargs)
            description = description["StreamDescription"]
            listed.update((s["ShardId"], s) for s in description["Shards"])
            if description.get("LastEvaluatedShardId") is None:
                break
            kwargs["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]
        self.enabled = description.get("StreamStatus") != "DISABLED"
        self.next_refresh = self.now() + REFRESH_SECONDS
        for gone in set(self.shards) - set(listed):
            del self.shards[gone]
        for shard_id, listing in sorted(listed.items()):
            if shard_id in self.shards:
                continue
            closed = "EndingSequenceNumber" in listing["SequenceNumberRange"]
            # Shards that appear later began after we started: read them whole.
            kind = self.start if first else "TRIM_HORIZON"
            self.shards[shard_id] = _Shard(shard_id, listing.get("ParentShardId"), kind,
                                           done=kind == "LATEST" and closed)

    def _read(self, shard: _Shard) -> bool:
        """One GetRecords call on a shard; True when that finished the shard."""
        shard.next_call = self.now() + SHARD_CALL_SECONDS
        try:
            if shard.iterator is None:
                shard.iterator = self._iterator(shard)
            page = self.streams.get_records(ShardIterator=shard.iterator)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "ResourceNotFoundException":  # trimmed away meanwhile
                shard.done = True
                return True
            if code == "TrimmedDataAccessException":
                self.note(f"shard {shard.shard_id}: records were trimmed before they were read")
                shard.kind, shard.last_sequence, shard.iterator = "TRIM_HORIZON", None, None
                return False
            if code == "ExpiredIteratorException":  # e.g. the virtual clock jumped ahead
                shard.iterator = None
                return False
            if code == "LimitExceededException":  # a server with --stream-read-limits on
                shard.next_call = self.now() + THROTTLED_SECONDS
                return False
            raise
        for record in page["Records"]:
            self.emit(record, shard.shard_id)
            shard.last_sequence = record["dynamodb"]["SequenceNumber"]
        shard.iterator = page.get("NextShardIterator")
        # An open shard always gives a next iterator; without follow its first empty page is
        # its end for now.
        shard.done = shard.iterator is None or (not self.follow and not page["Records"])
        return shard.done

    def _iterator(self, shard: _Shard) -> str:
        kwargs: dict[str, Any] = {"ShardIteratorType": shard.kind}
        if shard.last_sequence is not None:
            kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                      "SequenceNumber": shard.last_sequence}
        response = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard.shard_id,
                                                   **kwargs)
        iterator: str = response["ShardIterator"]
        return iterator
