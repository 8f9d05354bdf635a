"""The replicator: one background worker (started by the server lifespan) that runs one loop
per replica pair (source table -> target table). A pair's loop reads the source's stream from
its durable position, applies what it finds to the target (apply.py) and waits to be woken by
the next append (push inside: streams/log.py), a control change or a stop. Pairs come from the
table catalog: each replica lists the others; a group change (links.py) makes it rescan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from headwater.core.clock import Clock
from headwater.dynamodb.context import DynamoDbServices
from headwater.dynamodb.table import Table
from headwater.replication import store
from headwater.replication.apply import apply_batch
from headwater.replication.controls import ReplicationControls
from headwater.replication.links import ReplicaLinks
from headwater.replication.metrics import ReplicationMetrics
from headwater.streams.log import StreamLog

log = logging.getLogger("headwater.replication")
BATCH = 256
MAX_BACKOFF = 30.0
IDLE_EVERY = 1.0  # clock seconds between moves of idle pairs' positions (advance_idle)
Pair = tuple[int, int]  # (source table id, target table id)


def replica_pairs(runtime: DynamoDbServices) -> dict[Pair, tuple[Table, Table]]:
    """Every (source, target) of every replica group, by table ids."""
    pairs: dict[Pair, tuple[Table, Table]] = {}
    for table in runtime.tables.all():
        for region in table.replica_regions:
            target = runtime.tables.find(table.account, region, table.name)
            if target is not None:
                pairs[(table.id, target.id)] = (table, target)
    return pairs


class Replicator:
    def __init__(self, runtime: DynamoDbServices, streams: StreamLog, clock: Clock,
                 links: ReplicaLinks, controls: ReplicationControls,
                 metrics: ReplicationMetrics) -> None:
        self.runtime = runtime
        self.streams = streams
        self.clock = clock
        self.links = links
        self.controls = controls
        self.metrics = metrics
        self._stop = asyncio.Event()
        self._tasks: dict[Pair, asyncio.Task[None]] = {}
        controls.listeners.append(self._wake_all)

    async def run(self) -> None:
        self._stop.clear()
        try:
            while not self._stop.is_set():
                self.links.changed.clear()
                self._rescan()
                await _first(self._stop.wait(), self.links.changed.wait(),
                             self.clock.sleep(IDLE_EVERY))
                try:
                    self.advance_idle()
                except Exception:
                    log.exception("moving idle replication positions failed")
        finally:
            for task in self._tasks.values():
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            self._tasks.clear()

    def advance_idle(self) -> None:
        """Move each pair that owes nothing past the records of replicated writes its source
        stream gathered since (a pair's loop wakes for local writes only, so the replica
        that receives the changes would keep its reverse pairs' positions where they were,
        and every count or read "after the position" would walk an ever longer range)."""
        conn = self.runtime.storage.conn
        sequence = self.streams.sequence
        idle = []
        for pair, (source, _target) in replica_pairs(self.runtime).items():
            stream = self.streams.current_stream(source.account, source.region, source.name)
            position = store.position(conn, *pair)
            if stream is None or position is None or position >= sequence:
                continue
            if not self.streams.local_records_after(stream, position, 1):
                idle.append(pair)
        if idle:
            with self.runtime.storage.transaction() as conn:
                for source_id, target_id in idle:
                    store.save(conn, source_id, target_id, sequence)

    async def stop(self) -> None:
        self._stop.set()
        self._wake_all()

    def _rescan(self) -> None:
        pairs = replica_pairs(self.runtime)
        for pair in set(self._tasks) - set(pairs):
            self._tasks.pop(pair).cancel()
            self.metrics.forget(*pair)
        for pair, (source, target) in pairs.items():
            task = self._tasks.get(pair)
            if task is None or task.done():
                self._tasks[pair] = asyncio.create_task(
                    self._replicate(source, target),
                    name=f"replicate {source.name} {source.region}->{target.region}")

    async def _replicate(self, source: Table, target: Table) -> None:
        """One pair's loop; a failed pass is logged and retried with back-off."""
        failures = 0
        while not self._stop.is_set():
            try:
                await self._pass(source, target)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                delay = min(MAX_BACKOFF, 0.1 * 2 ** min(failures, 10))
                log.exception("replicating %s %s -> %s failed (%d in a row); retrying in %.1fs",
                              source.name, source.region, target.region, failures, delay)
                await asyncio.sleep(delay)

    async def _pass(self, source: Table, target: Table) -> None:
        """Apply what is due, or wait until something may be."""
        controls = self.controls
        if controls.paused:
            await _first(self._stop.wait(), controls.changed.wait())
            return
        stream = self.streams.current_stream(source.account, source.region, source.name)
        if stream is None:
            await _first(self._stop.wait(), self.links.changed.wait(), controls.changed.wait())
            return
        appended = self.streams.appended(stream)  # before reading: no append can slip by
        position = store.position(self.runtime.storage.conn, source.id, target.id)
        if position is None:  # the pair is being unlinked; the rescan will end this loop
            await _first(self._stop.wait(), asyncio.sleep(0.05))
            return
        rows = self.streams.local_records_after(stream, position, BATCH)
        now = self.clock.now()
        due = len(rows)
        if controls.delay:
            # Records are in time order: the first one not yet due stops the batch.
            due = next((i for i, row in enumerate(rows) if row[1] + controls.delay > now),
                       len(rows))
        if due:
            batch = rows[:due]
            result = apply_batch(self.runtime, source, target, batch)
            latencies = [(now - created) * 1000 for created in result.created]
            self.metrics.applied(source, target, latencies, result.applied, result.superseded)
            drained = due == len(rows) < BATCH
            if self.metrics.pending_due(source, target, now, drained):
                self.metrics.pending_count(source, target,
                                           self.streams.backlog(stream, batch[-1][0]), now)
            if drained:
                # Wait for the next commit of local writes, not the next loop iteration:
                # under load a batch then holds a whole commit group, not one or two writes.
                await appended.wait()
            else:
                await asyncio.sleep(0)  # let requests in between batches
            return
        if rows:  # delayed: wait for the first record's time, or anything else
            await _first(self._stop.wait(), appended.wait(), controls.changed.wait(),
                         self.clock.sleep_until(rows[0][1] + controls.delay))
            return
        if self.metrics.pending_due(source, target, now, True):
            self.metrics.pending_count(source, target, 0, now)
        # The hot path waits on the append event alone (no helper tasks): a stop or a control
        # change sets it too (_wake_all).
        await appended.wait()

    def _wake_all(self) -> None:
        """Wake every pair waiting for appends (a stop, or the controls changed)."""
        for source, _target in replica_pairs(self.runtime).values():
            stream = self.streams.current_stream(source.account, source.region, source.name)
            if stream is not None:
                self.streams.wake_readers(stream)


async def _first(*waits: Coroutine[Any, Any, object]) -> None:
    """Wait until the first of several awaitables finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
