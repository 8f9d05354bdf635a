"""What `headwater serve --stream-endpoint` adds to the runtime, built in one place for the
composition root: the remote clients, the remote stream source, the lease table and its
coordinator, the routing source and the supervisor factory the trigger manager uses."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass

from headwater.triggers.remote.client import RemoteClients, RemoteSettings
from headwater.triggers.remote.coordinator import LeaseCoordinator
from headwater.triggers.remote.lease_table import LeaseTable
from headwater.triggers.remote.routing import RoutingStreamSource
from headwater.triggers.remote.source import RemoteStreamSource
from headwater.triggers.remote.supervisor import SupervisorFactory, supervisors
from headwater.triggers.stream_source import LocalStreamSource


@dataclass(frozen=True, slots=True)
class RemoteTriggers:
    source: RoutingStreamSource
    coordinator: LeaseCoordinator
    supervisors: SupervisorFactory


def worker_id(port: int) -> str:
    """Unique per process: a restarted worker is a new worker, and its old leases expire."""
    return f"{socket.gethostname()}:{port}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def remote_triggers(local: LocalStreamSource, settings: RemoteSettings, lease_table: str,
                    lease_duration: float, worker: str) -> RemoteTriggers:
    clients = RemoteClients(settings)
    remote = RemoteStreamSource(clients)
    coordinator = LeaseCoordinator(LeaseTable(clients, lease_table, lease_duration), remote,
                                   worker, lease_duration)
    routing = RoutingStreamSource(local, remote)
    return RemoteTriggers(routing, coordinator, supervisors(coordinator, remote,
                                                            routing.is_remote))
