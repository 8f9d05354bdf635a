"""`RemoteSupervisor`: the trigger manager's supervisor (manager.py: state settling, updates,
delete) for a mapping whose stream is on the remote engine. Instead of one consumer per open
shard, it runs one `RemoteShardConsumer` per lease this worker holds for the mapping's function
and stream, and stops a consumer whose lease was lost or is being handed over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from headwater.triggers.manager import Supervisor, TriggerManager
from headwater.triggers.model import Mapping
from headwater.triggers.remote.consumer import RemoteShardConsumer
from headwater.triggers.remote.coordinator import LeaseCoordinator, group_of
from headwater.triggers.remote.source import RemoteStreamSource

SupervisorFactory = Callable[[TriggerManager, Mapping], Supervisor]


class RemoteSupervisor(Supervisor):
    def __init__(self, manager: TriggerManager, uuid: str, coordinator: LeaseCoordinator,
                 source: RemoteStreamSource) -> None:
        super().__init__(manager, uuid)
        self.coordinator = coordinator
        self.remote = source
        self._retiring: dict[str, RemoteShardConsumer] = {}  # stopped, maybe still finishing

    def _running(self) -> Mapping | None:
        mapping = self.manager.mappings.get(self.uuid)
        return mapping if mapping is not None and mapping.runs() else None

    def _start_consumers(self, mapping: Mapping) -> None:
        group = group_of(mapping)
        self.coordinator.attach(group, self._running, self.wake)
        leases = {lease.shard_id: lease for lease in self.coordinator.leases_of(group)}
        for shard_id, consumer in list(self.consumers.items()):
            assert isinstance(consumer, RemoteShardConsumer)
            lease = leases.get(shard_id)
            if consumer.task is not None and consumer.task.done():
                del self.consumers[shard_id]
            elif lease is not consumer.lease or not lease.runnable:
                consumer.stop()  # lost or handed over: the batch in flight finishes
                del self.consumers[shard_id]
                self._retiring[shard_id] = consumer
        for shard_id, old in list(self._retiring.items()):
            if old.task is None or old.task.done():
                del self._retiring[shard_id]
        for shard_id, lease in leases.items():
            if shard_id in self.consumers or shard_id in self._retiring or not lease.runnable:
                continue
            consumer = RemoteShardConsumer(self.manager, mapping, lease, self.coordinator,
                                           self.remote)
            self.consumers[shard_id] = consumer
            consumer.start()

    async def _watch_shards(self, mapping: Mapping) -> asyncio.Future[bool] | None:
        return None  # the lease coordinator wakes this supervisor when its leases change

    async def _wait(self, shards_changed: asyncio.Future[bool] | None) -> None:
        try:
            await asyncio.wait_for(self.wake.wait(), self.coordinator.interval)
        except TimeoutError:
            pass


def supervisors(coordinator: LeaseCoordinator, source: RemoteStreamSource,
                is_remote: Callable[[str], bool]) -> SupervisorFactory:
    """The manager's supervisor factory: remote streams get a RemoteSupervisor."""
    def make(manager: TriggerManager, mapping: Mapping) -> Supervisor:
        if is_remote(mapping.source_arn):
            return RemoteSupervisor(manager, mapping.uuid, coordinator, source)
        return Supervisor(manager, mapping.uuid)
    return make
