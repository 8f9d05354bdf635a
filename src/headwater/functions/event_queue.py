"""Event (asynchronous) invocations: queued durably in the database, delivered by this
background worker, retried twice on function errors after 1 and 2 minutes of clock time, as
AWS does (invocation-retries.html); throttles are retried without using up attempts."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from headwater.functions.errors import ResourceNotFoundException, TooManyRequestsException
from headwater.functions.names import function_arn
from headwater.functions.store import QueuedEvent

if TYPE_CHECKING:
    from headwater.functions.registry import Functions, Resolved

log = logging.getLogger("headwater.functions")

RETRY_DELAYS = (60.0, 120.0)
THROTTLE_DELAY = 1.0
BATCH = 16  # deliveries in flight at once; each may need an environment


class EventQueue:
    def __init__(self, functions: Functions) -> None:
        self.functions = functions
        self._wake: asyncio.Event | None = None
        self._stopped = False
        self._running: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.delivered = 0

    def enqueue(self, resolved: Resolved, payload: bytes) -> None:
        record = resolved.record
        self.functions.store.enqueue(
            record.account, record.region, function_arn(record.region, record.account, record.name),
            resolved.ref.qualifier, payload, str(uuid.uuid4()), self.functions.clock.now())
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        self._wake = asyncio.Event()
        clock = self.functions.clock
        store = self.functions.store
        while not self._stopped:
            now = clock.now()
            for event in store.due_events(now, BATCH):
                if event.id not in self._running and len(self._running) < BATCH:
                    self._running.add(event.id)
                    task = asyncio.create_task(self._deliver(event, now))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            upcoming = store.next_event_time()
            delay = 1.0 if upcoming is None else min(max(upcoming - now, 0.05), 1.0)
            self._wake.clear()
            sleeper = asyncio.ensure_future(clock.sleep(delay))
            waker = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait([sleeper, waker], return_when=asyncio.FIRST_COMPLETED)
            sleeper.cancel()
            waker.cancel()

    async def _deliver(self, event: QueuedEvent, queued_seen: float) -> None:
        store = self.functions.store
        clock = self.functions.clock
        try:
            result = await self.functions.invoke(event.account, event.region, event.function,
                                                 event.payload, event.qualifier)
        except TooManyRequestsException:
            store.retry_event(event.id, event.attempts, clock.now() + THROTTLE_DELAY)
            return
        except ResourceNotFoundException:
            store.delete_event(event.id)
            return
        except Exception:
            log.exception("Event invocation of %s failed", event.function)
            result = None
        finally:
            self._running.discard(event.id)
            if self._wake is not None:
                self._wake.set()
        self.delivered += 1
        attempts = event.attempts + 1
        if result is not None and result.function_error is None:
            store.delete_event(event.id)
        elif attempts > len(RETRY_DELAYS):
            log.warning("dropping Event invocation of %s after %d attempts", event.function,
                        attempts)
            store.delete_event(event.id)
        else:
            store.retry_event(event.id, attempts, clock.now() + RETRY_DELAYS[attempts - 1])

    async def stop(self) -> None:
        self._stopped = True
        if self._wake is not None:
            self._wake.set()
        for task in list(self._tasks):
            task.cancel()
