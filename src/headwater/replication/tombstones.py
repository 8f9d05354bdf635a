"""Cleaning up deletion markers (tombstones).

A deleted item of a global table keeps its version (dynamodb/item_versions.py), so that a
late change from another replica, older than the deletion, cannot bring it back. The marker is
needed only while some replica can still send such a change: a local write of another member,
recorded in that member's stream before the deletion and not yet applied here. So a tombstone
is deleted once both hold:

- it is older than a retention window of 24 hours of the project clock: stream records live
  24 hours (aws-facts §1.7), so no replica holds an older change after that. AWS documents no
  figure for its own markers; this is Headwater's choice.
- every other member's oldest local record not yet applied to this replica is later than it
  (a paused or lagging pair keeps the markers it may still need).

A table that is no longer global is judged by the window alone. The sweeper runs every
retention interval of the clock, in chunks, so a large backlog of markers never holds the
loop for long."""

from __future__ import annotations

import math

from headwater.dynamodb import item_versions
from headwater.dynamodb.context import DynamoDbServices
from headwater.replication import store
from headwater.replication.worker import replica_pairs
from headwater.streams.log import StreamLog
from headwater.streams.workers import PeriodicWorker

RETENTION_SECONDS = 24 * 3600.0
CHUNK = 1000  # markers deleted per transaction


class TombstoneSweeper(PeriodicWorker):
    def __init__(self, runtime: DynamoDbServices, streams: StreamLog, interval: float) -> None:
        super().__init__(streams.clock)
        self.runtime = runtime
        self.streams = streams
        self.interval = interval
        self.swept_at: float | None = None  # clock time the last complete pass started
        self.removed = 0

    def tick(self) -> float:
        started = self.clock.now()
        removed = sweep(self.runtime, self.streams, started, CHUNK)
        self.removed += removed
        if removed == CHUNK:
            return 0.0  # more to do: go on after letting requests in
        self.swept_at = started
        return self.interval


def sweep(runtime: DynamoDbServices, streams: StreamLog, now: float, limit: int) -> int:
    """Delete up to `limit` tombstones no replica can still need; returns how many."""
    horizon = now - RETENTION_SECONDS
    conn = runtime.storage.conn
    pending: dict[int, float] = {}  # target table id -> oldest change still owed to it
    for (source_id, target_id), (source, _target) in replica_pairs(runtime).items():
        stream = streams.current_stream(source.account, source.region, source.name)
        position = store.position(conn, source_id, target_id)
        oldest = None if stream is None or position is None else streams.oldest_local(
            stream, position)
        if oldest is not None:
            pending[target_id] = min(pending.get(target_id, math.inf), oldest)
    removed = 0
    with runtime.storage.transaction() as conn:
        for table in runtime.tables.all():
            before = min(horizon, pending.get(table.id, math.inf))
            removed += item_versions.drop_tombstones(conn, table.id, before, limit - removed)
            if removed >= limit:
                break
    return removed
