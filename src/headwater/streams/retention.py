"""The retention worker: deletes records older than 24 h of clock time, closed shards whose
data has all expired, and streams disabled more than 24 h ago (aws-facts §1.7). Readers treat
old records as trimmed before this runs (`reading.check_not_trimmed`)."""

from __future__ import annotations

from headwater.streams.log import StreamLog
from headwater.streams.model import RETENTION_SECONDS
from headwater.streams.workers import PeriodicWorker


class RetentionWorker(PeriodicWorker):
    def __init__(self, log: StreamLog, interval: float) -> None:
        super().__init__(log.clock)
        self.log = log
        self.interval = interval

    def tick(self) -> float:
        trim(self.log)
        return self.interval


def trim(log: StreamLog) -> None:
    horizon = log.clock.now() - RETENTION_SECONDS
    for stream in list(log.streams.values()):
        if stream.disabled_at is not None and stream.disabled_at < horizon:
            log.remove_stream(stream)
            continue
        for shard in list(log.shards.get(stream.id, [])):
            closed = log.closed_at(shard)
            if closed is not None and closed < horizon:
                log.remove_shard(shard)
            else:
                log.trim_shard(shard, horizon)
