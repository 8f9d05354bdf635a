"""The stacks of every account: their durable state (store.py), the events each change records,
and the deployments running in the background (one asyncio task per stack operation, resources
in parallel inside it). A server stopped mid-deployment leaves a stack IN_PROGRESS on disk;
`recover` (run when the server starts) settles each such stack in the failed state
CloudFormation would reach, with the reason saying why."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import orjson

from headwater.cloudformation import store
from headwater.cloudformation.calls import ServiceCalls
from headwater.cloudformation.model import ChangeSet, Resource, Stack
from headwater.core.clock import Clock
from headwater.core.ids import new_uuid
from headwater.core.storage import Storage

log = logging.getLogger("headwater.cloudformation")

INTERRUPTED = "Headwater stopped while this operation ran"
# The status a stack stopped mid-operation is left in (CloudFormation API reference,
# StackStatus): none of them stays IN_PROGRESS.
SETTLED = {
    "CREATE_IN_PROGRESS": "CREATE_FAILED",
    "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
    "DELETE_IN_PROGRESS": "DELETE_FAILED",
    "UPDATE_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_IN_PROGRESS": "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS": "UPDATE_ROLLBACK_COMPLETE",
}


class Stacks:
    def __init__(self, storage: Storage, clock: Clock, calls: ServiceCalls) -> None:
        self.storage = storage
        self.clock = clock
        self.calls = calls
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopped = asyncio.Event()
        self.recover()

    # Durable state

    def save(self, stack: Stack) -> None:
        with self.storage.transaction() as conn:
            store.put_stack(conn, stack)

    def save_resource(self, stack: Stack, resource: Resource) -> None:
        with self.storage.transaction() as conn:
            store.put_resource(conn, stack.stack_id, resource)

    def forget_resource(self, stack: Stack, logical_id: str) -> None:
        with self.storage.transaction() as conn:
            store.delete_resource(conn, stack.stack_id, logical_id)

    def resources(self, stack_id: str) -> dict[str, Resource]:
        return store.resources(self.storage.conn, stack_id)

    def save_change_set(self, change_set: ChangeSet) -> None:
        with self.storage.transaction() as conn:
            store.put_change_set(conn, change_set)

    def event(self, stack: Stack, logical_id: str, resource_type: str, status: str,
              reason: str = "", physical_id: str | None = None,
              properties: dict[str, Any] | None = None) -> None:
        """Record one stack event (DescribeStackEvents)."""
        event: dict[str, Any] = {
            "StackId": stack.stack_id, "EventId": new_uuid(), "StackName": stack.name,
            "LogicalResourceId": logical_id, "ResourceType": resource_type,
            "Timestamp": self.clock.now(), "ResourceStatus": status,
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if reason:
            event["ResourceStatusReason"] = reason
        if properties is not None:
            event["ResourceProperties"] = orjson.dumps(properties).decode()
        with self.storage.transaction() as conn:
            store.add_event(conn, stack.stack_id, event)

    def stack_status(self, stack: Stack, status: str, reason: str = "") -> None:
        """Move the stack to `status`, saved with its event."""
        stack.status = status
        stack.reason = reason
        if not status.startswith(("CREATE", "REVIEW")):
            stack.updated = self.clock.now()
        if status == "DELETE_COMPLETE":
            stack.deleted = self.clock.now()
        self.save(stack)
        self.event(stack, stack.name, "AWS::CloudFormation::Stack", status, reason,
                   stack.stack_id)

    # Background deployments

    def run(self, stack: Stack, work: Coroutine[Any, Any, None]) -> None:
        """Run a stack operation in the background (one at a time per stack)."""
        task = asyncio.get_running_loop().create_task(self._guarded(stack, work),
                                                      name=f"stack {stack.name}")
        self._tasks[stack.stack_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(stack.stack_id, None)
                               if self._tasks.get(stack.stack_id) is task else None)

    async def _guarded(self, stack: Stack, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not leave the stack IN_PROGRESS
            log.exception("stack %s: operation failed", stack.name)
            settled = SETTLED.get(stack.status)
            if settled is not None:
                self.stack_status(stack, settled, f"Internal failure: {error}")

    async def settled(self, stack_id: str, timeout: float) -> None:
        """Wait (up to `timeout` seconds) for the stack's running operation to end."""
        task = self._tasks.get(stack_id)
        if task is not None:
            await asyncio.wait([task], timeout=timeout)

    def recover(self) -> None:
        for stack in store.in_progress(self.storage.conn):
            settled = SETTLED.get(stack.status, "UPDATE_ROLLBACK_FAILED")
            log.warning("stack %s was %s when Headwater stopped: now %s", stack.name,
                        stack.status, settled)
            for resource in self.resources(stack.stack_id).values():
                if resource.status.endswith("_IN_PROGRESS"):
                    resource.status = resource.status.replace("_IN_PROGRESS", "_FAILED")
                    resource.reason = INTERRUPTED
                    self.save_resource(stack, resource)
            self.stack_status(stack, settled, INTERRUPTED)

    async def run_forever(self) -> None:
        await self._stopped.wait()

    async def stop(self) -> None:
        self._stopped.set()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)


class StackWorker:
    """The server lifespan's handle on running deployments: stopping it cancels them (the next
    start settles what they left, `Stacks.recover`)."""

    def __init__(self, stacks: Stacks) -> None:
        self.stacks = stacks

    async def run(self) -> None:
        await self.stacks.run_forever()

    async def stop(self) -> None:
        await self.stacks.stop()
