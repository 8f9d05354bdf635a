"""The trigger manager (`runtime.triggers`): the in-memory index of mappings the API writes
through, and the background worker that settles the state machine (aws-facts §3.3) and runs
one supervisor per mapping. A supervisor runs one `ShardConsumer` per open shard whose parent
is finished (parent before child), restarting them when the mapping is updated.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from headwater.cloudwatch.store import MetricStore
from headwater.core.clock import Clock
from headwater.core.events import Publish, ignore
from headwater.core.storage import Storage
from headwater.s3.errors import NoSuchBucket
from headwater.triggers import store
from headwater.triggers.consumer import ShardConsumer
from headwater.triggers.consumer_host import Deliver, PutObject
from headwater.triggers.invoking import Invoker, Outcome
from headwater.triggers.metrics import TriggerMetrics
from headwater.triggers.model import (
    CREATING,
    DELETING,
    DISABLED,
    DISABLING,
    ENABLING,
    UPDATING,
    Mapping,
)
from headwater.triggers.stream_source import StreamSource

log = logging.getLogger("headwater.triggers")
DEFAULT_RETRY_DELAY = 0.05
SHARD_RESCAN = 1.0  # safety net only: shard changes and finished parents wake supervisors
SUPERVISOR_BACKOFF = 0.5


class TriggerManager:
    """Built by the composition root (runtime.py) with what it runs on: the stream source the
    consumers read, the invoker that calls functions, and `deliver`, which sends OnFailure
    records to SQS queues and SNS topics (`put_object` writes them to S3 buckets)."""

    def __init__(self, storage: Storage, clock: Clock, source: StreamSource,
                 cloudwatch: MetricStore, invoker: Invoker, deliver: Deliver,
                 retry_delay: float = DEFAULT_RETRY_DELAY,
                 stream_access: Callable[[Mapping], bool] | None = None,
                 publish: Publish = ignore, put_object: PutObject | None = None) -> None:
        self.storage = storage
        self.clock = clock
        self.source = source
        self.metrics = TriggerMetrics(cloudwatch, publish=publish)
        self._invoker = invoker
        self.deliver = deliver
        self.put_object: PutObject = put_object or _no_buckets
        self.retry_delay = retry_delay
        # Whether a mapping's role may read its stream (role_checks.py); None: always.
        self._stream_access = stream_access
        self.mappings: dict[str, Mapping] = {m.uuid: m for m in store.load_all(self.storage.conn)}
        self.supervisors: dict[str, Supervisor] = {}
        self._wake = asyncio.Event()
        self._stopping = False

    # -- what the operations use ----------------------------------------------------------

    def get(self, account: str, region: str, uuid: str) -> Mapping | None:
        mapping = self.mappings.get(uuid)
        if mapping is None or (mapping.account, mapping.region) != (account, region):
            return None
        return mapping

    def of_account(self, account: str, region: str) -> list[Mapping]:
        found = [m for m in self.mappings.values() if (m.account, m.region) == (account, region)]
        return sorted(found, key=lambda m: (m.created, m.uuid))

    def save(self, mapping: Mapping, new: bool = False) -> None:
        """Write the mapping (its own transaction, or the caller's) and wake its supervisor."""
        previous = self.mappings.get(mapping.uuid)
        mapping.generation = (previous.generation + 1) if previous is not None else 0
        with self.storage.transaction() as conn:
            (store.insert if new else store.update)(conn, mapping)
            self.storage.on_rollback(self.reload)
            self.mappings[mapping.uuid] = mapping
        self._poke(mapping.uuid)

    def reload(self) -> None:
        self.mappings = {m.uuid: m for m in store.load_all(self.storage.conn)}

    def set_result(self, uuid: str, result: str) -> None:
        mapping = self.mappings.get(uuid)
        if mapping is None or mapping.last_result == result:
            return
        mapping.last_result = result
        with self.storage.transaction() as conn:
            store.set_result(conn, uuid, result)

    def may_read(self, mapping: Mapping) -> bool:
        return self._stream_access is None or self._stream_access(mapping)

    async def invoke(self, account: str, region: str, function: str, payload: bytes,
                     qualifier: str | None) -> Outcome:
        return await self._invoker(account, region, function, payload, qualifier)

    def shard_finished(self, uuid: str) -> None:
        self._poke(uuid)

    def _poke(self, uuid: str) -> None:
        supervisor = self.supervisors.get(uuid)
        if supervisor is not None:
            supervisor.wake.set()
        self._wake.set()

    # -- the state machine ----------------------------------------------------------------

    def settle(self, mapping: Mapping) -> None:
        """Move a transitional state to where it settles, once consumers match it."""
        if mapping.state in (CREATING, ENABLING, UPDATING, DISABLING):
            target = mapping.settled_state()
            if mapping.state == DISABLING:
                target = DISABLED
            mapping.state = target
            with self.storage.transaction() as conn:
                store.update(conn, mapping)

    def forget(self, mapping: Mapping) -> None:
        with self.storage.transaction() as conn:
            store.delete(conn, mapping.uuid)
        self.mappings.pop(mapping.uuid, None)

    # -- worker ---------------------------------------------------------------------------

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            for uuid, supervisor in list(self.supervisors.items()):
                if supervisor.task is not None and supervisor.task.done():
                    del self.supervisors[uuid]
            for uuid in list(self.mappings):
                if uuid not in self.supervisors:
                    supervisor = Supervisor(self, uuid)
                    self.supervisors[uuid] = supervisor
                    supervisor.start()
            await self._wake.wait()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        supervisors = list(self.supervisors.values())
        for supervisor in supervisors:
            supervisor.wake.set()
        tasks = [s.task for s in supervisors if s.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self.supervisors.clear()


class Supervisor:
    """Runs one mapping: consumers for eligible shards, state settling, delete."""

    def __init__(self, manager: TriggerManager, uuid: str) -> None:
        self.manager = manager
        self.uuid = uuid
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.consumers: dict[str, ShardConsumer] = {}
        self.generation = -1

    def start(self) -> None:
        self.task = asyncio.create_task(self._guarded(), name=f"esm-{self.uuid}")

    async def _guarded(self) -> None:
        while True:
            try:
                await self.run()
                return
            except asyncio.CancelledError:
                await self._stop_consumers()
                raise
            except Exception:
                log.exception("trigger %s: supervisor failed; restarting", self.uuid)
                await self._stop_consumers()
                await self.manager.clock.sleep(max(self.manager.retry_delay, SUPERVISOR_BACKOFF))

    async def run(self) -> None:
        manager = self.manager
        while True:
            self.wake.clear()
            mapping = manager.mappings.get(self.uuid)
            if mapping is None or manager._stopping:
                await self._stop_consumers()
                return
            if self.consumers and (not mapping.runs() or mapping.generation != self.generation):
                await self._stop_consumers()
                continue  # the mapping may have changed again meanwhile
            if mapping.state == DELETING:
                manager.forget(mapping)
                return
            if mapping.runs():
                self.generation = mapping.generation
                self._start_consumers(mapping)
            manager.settle(mapping)
            await self._wait(mapping)

    def _start_consumers(self, mapping: Mapping) -> None:
        for shard_id, consumer in list(self.consumers.items()):
            if consumer.task is not None and consumer.task.done():
                del self.consumers[shard_id]
        shards = self.manager.source.shards(mapping.source_arn)
        known = {s.shard_id for s in shards}
        done = store.checkpoints(self.manager.storage.conn, mapping.uuid)
        finished = {shard_id for shard_id, (_, is_done) in done.items() if is_done}
        for shard in shards:
            if shard.shard_id in finished or shard.shard_id in self.consumers:
                continue
            parent = shard.parent_shard_id
            if parent is not None and parent in known and parent not in finished:
                continue  # a child waits for its parent (aws-facts §4.1)
            position = done.get(shard.shard_id, (mapping.start_after, False))[0]
            consumer = ShardConsumer(self.manager, mapping, shard.shard_id, position)
            self.consumers[shard.shard_id] = consumer
            consumer.start()

    async def _stop_consumers(self) -> None:
        consumers = list(self.consumers.values())
        self.consumers.clear()
        for consumer in consumers:
            consumer.stop()
        tasks = [c.task for c in consumers if c.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _wait(self, mapping: Mapping) -> None:
        waits: list[asyncio.Future[bool]] = [asyncio.ensure_future(self.wake.wait())]
        if mapping.runs() and self.manager.source.exists(mapping.source_arn):
            waits.append(asyncio.ensure_future(
                self.manager.source.wait_for_shards(mapping.source_arn, None)))
        try:
            await asyncio.wait(waits, timeout=SHARD_RESCAN, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()


def _no_buckets(account: str, bucket: str, key: str, body: bytes, /) -> None:
    raise NoSuchBucket("The specified bucket does not exist", BucketName=bucket)
