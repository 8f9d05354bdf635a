"""The rollover worker: every `--shard-rollover` seconds of clock time each open shard closes
and a child with ParentShardId takes over (aws-facts §1.7). Writes and DescribeStream also roll
due shards over on the spot, so the worker only covers idle streams."""

from __future__ import annotations

from headwater.streams.log import StreamLog
from headwater.streams.workers import PeriodicWorker


class RolloverWorker(PeriodicWorker):
    def __init__(self, log: StreamLog) -> None:
        super().__init__(log.clock)
        self.log = log

    def tick(self) -> float:
        due = self.log.roll_over_all()
        if due is None:
            return self.log.rollover_seconds
        return max(due - self.clock.now(), 0.001)
