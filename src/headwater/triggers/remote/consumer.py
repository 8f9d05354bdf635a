"""`RemoteShardConsumer`: the trigger consumer (triggers/consumer.py, with all its batching,
retries, bisection, filters, windows, destinations and metrics, unchanged) reading a remote
shard under a lease. What differs is only where progress goes: the checkpoint is staged on the
lease as the remote sequence number (`_checkpoint`), and written to the lease table before the
next batch starts (`deliver`), so a worker that dies re-delivers at most the batches in flight.
A lease lost or handed over stops the consumer before its next batch."""

from __future__ import annotations

import asyncio
import sqlite3

from headwater.triggers.consumer import ShardConsumer
from headwater.triggers.consumer_host import ConsumerHost
from headwater.triggers.events import Batch
from headwater.triggers.model import Mapping
from headwater.triggers.remote.coordinator import LeaseCoordinator
from headwater.triggers.remote.held import HeldLease
from headwater.triggers.remote.source import SHARD_END, RemoteStreamSource
from headwater.triggers.windows import Window


class RemoteShardConsumer(ShardConsumer):
    def __init__(self, manager: ConsumerHost, mapping: Mapping, lease: HeldLease,
                 coordinator: LeaseCoordinator, source: RemoteStreamSource) -> None:
        self.lease = lease  # read by _saved_window, during ShardConsumer.__init__
        self.coordinator = coordinator
        self.remote = source
        position = source.open(mapping.source_arn, lease.shard_id, lease.checkpoint)
        super().__init__(manager, mapping, lease.shard_id, position)

    def start(self) -> None:
        self.lease.idle.clear()
        super().start()

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            try:
                if self.lease.held:  # what the last batch settled, or SHARD_END
                    await self.coordinator.flush(self.lease)
            finally:
                self.remote.close(self.mapping.source_arn, self.shard_id)
                self.lease.idle.set()

    def _saved_window(self) -> Window | None:
        blob = self.lease.window
        return None if blob is None else Window.from_blob(blob)

    def _checkpoint(self, seq: int, finished: bool = False) -> None:
        self.position = seq
        self._stage(seq, finished)

    def _stage(self, seq: int, finished: bool) -> None:
        arn = self.mapping.source_arn
        sequence = SHARD_END if finished else self.remote.sequence_of(arn, self.shard_id, seq)
        created = self.remote.created_of(arn, self.shard_id, seq)
        self.lease.stage((sequence, created if created is not None else self.lease.checkpoint_at,
                          self.window_blob()))
        self.remote.release(arn, self.shard_id, seq)

    def _save_discarded(self, conn: sqlite3.Connection, seq: int, window: bytes | None) -> None:
        self._stage(seq, False)  # the lease holds the checkpoint; nothing is kept locally

    async def deliver(self, batch: Batch) -> None:
        if not self.lease.runnable:
            await self._until_stopped()
        await super().deliver(batch)
        if not await self.coordinator.flush(self.lease):
            await self._until_stopped()

    async def _until_stopped(self) -> None:
        """The lease is gone or being handed over: the supervisor stops this consumer; start
        nothing more until it does."""
        self.coordinator.wake_supervisor(self.lease)
        await self._idle_for(lambda: asyncio.Event().wait())
