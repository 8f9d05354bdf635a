"""The retention worker: deletes records older than 24 h of clock time, closed shards whose
content has all aged out, and streams disabled more than 24 h ago (aws-facts §1.7; the Streams
developer guide: shards are ephemeral, records live 24 h). Readers treat old records as
trimmed before this runs (`reading.check_not_trimmed`).

A closed shard's content has aged out when it closed more than 24 h ago, or when it held
records and every one of them has been trimmed. Trimming never changes a shard's range."""

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
        # Due rollovers first, so a shard that closes now is judged in this same pass.
        for shard in list(log.shards_of(stream)):
            closed = log.closed_at(shard)
            if closed is not None and closed < horizon:
                log.remove_shard(shard)
                continue
            log.trim_shard(shard, horizon)
            if shard.end_seq is not None and shard.start_seq < shard.end_seq <= shard.trimmed_seq:
                log.remove_shard(shard)
