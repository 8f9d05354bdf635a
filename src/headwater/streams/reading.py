"""Positions in a shard and reading from them: TRIM_HORIZON and LATEST, the trim check
(aws-facts §1.4, §1.5), and pages bounded by a record count and 1 MB.

A position is the counter value of the next record to read. Records older than 24 h of clock
time count as trimmed at once, before the retention worker deletes them, so trimming is exact
under a virtual clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headwater.streams import store
from headwater.streams.errors import TRIMMED, TrimmedDataAccessException, shard_not_found
from headwater.streams.model import RETENTION_SECONDS, Shard, Stream

if TYPE_CHECKING:
    from headwater.streams.log import StreamLog

MAX_PAGE_BYTES = 1024 * 1024


def find_shard(log: StreamLog, stream: Stream, shard_id: str) -> Shard:
    for shard in log.shards_of(stream):
        if shard.shard_id == shard_id:
            return shard
    raise shard_not_found(shard_id, stream.arn)


def check_not_trimmed(log: StreamLog, shard: Shard, position: int) -> None:
    """TrimmedDataAccessException when a record at or after `position` is gone or too old."""
    if position <= shard.trimmed_seq:
        raise TrimmedDataAccessException(TRIMMED)
    first = store.first_record_from(log.storage.conn, shard.pk, position)
    if first is not None and first[1] < log.clock.now() - RETENTION_SECONDS:
        raise TrimmedDataAccessException(TRIMMED)


def trim_horizon(log: StreamLog, shard: Shard) -> int:
    """The position of the oldest untrimmed record (or just past the shard's last one)."""
    conn = log.storage.conn
    oldest = store.first_seq_since(conn, shard.pk, shard.trimmed_seq,
                                   log.clock.now() - RETENTION_SECONDS)
    if oldest is not None:
        return oldest
    last = store.last_seq(conn, shard.pk)
    return max(shard.trimmed_seq, shard.start_seq, last or 0) + 1


def latest(log: StreamLog, shard: Shard) -> int:
    """Just after the newest record: every later append to an open shard is above it."""
    if shard.end_seq is not None:
        return shard.end_seq + 1
    return log.sequence + 1


def in_range(log: StreamLog, shard: Shard, seq: int) -> bool:
    upper = log.sequence if shard.end_seq is None else shard.end_seq
    return shard.start_seq <= seq <= upper


def drained(shard: Shard, position: int) -> bool:
    return shard.end_seq is not None and position > shard.end_seq


def read_page(log: StreamLog, shard: Shard, position: int, limit: int
              ) -> tuple[list[bytes], int]:
    """Up to `limit` records (serialised) from `position`, at most 1 MB; and the next position."""
    rows = store.read_records(log.storage.conn, shard.pk, position, limit)
    records: list[bytes] = []
    size = 0
    for seq, _created, record in rows:
        size += len(record)
        if records and size > MAX_PAGE_BYTES:
            break
        records.append(record)
        position = seq + 1
    return records, position
