"""Event (asynchronous) invocations: queued durably in the database, delivered by this
background worker, retried on function errors after 1 and 2 minutes of clock time, as AWS does
(invocation-retries.html); throttles are retried without using up attempts. The invoked
qualifier's EventInvokeConfig sets the retries (default 2) and the maximum event age (default
6 hours, counted from the first queueing) and where the invocation record of a success or a
discard goes (destinations.py). An event runs under the request id its Invoke answered with.
A function with reserved concurrency 0 does not keep its events: each goes to OnFailure with
condition ZeroReservedConcurrency, or is dropped (aws-facts §5.4). A discarded event also goes
to the invoked version's DeadLetterConfig queue or topic, if it has one (both receive it when
OnFailure is set too, as on AWS)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headwater.functions import metrics
from headwater.functions.destinations import (
    EVENT_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    SUCCESS,
    ZERO_RESERVED_CONCURRENCY,
    dead_letter,
    invocation_record,
    send,
)
from headwater.functions.errors import ResourceNotFoundException, TooManyRequestsException
from headwater.functions.names import LATEST, function_arn
from headwater.functions.store import FunctionRecord, QueuedEvent

if TYPE_CHECKING:
    from headwater.functions.function_service import FunctionService
    from headwater.functions.invocation import InvokeResult, Resolved

log = logging.getLogger("headwater.functions")

RETRY_DELAYS = (60.0, 120.0)
DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE = 21600.0  # six hours
THROTTLE_DELAY = 1.0
BATCH = 16  # deliveries in flight at once; each may need an environment


@dataclass(frozen=True, slots=True)
class Settings:
    max_retries: int = DEFAULT_RETRIES
    max_age: float = DEFAULT_MAX_AGE
    on_success: str | None = None
    on_failure: str | None = None


class EventQueue:
    def __init__(self, functions: FunctionService) -> None:
        self.functions = functions
        self._wake: asyncio.Event | None = None
        self._stopped = False
        self._running: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.delivered = 0

    def enqueue(self, resolved: Resolved, payload: bytes, request_id: str | None = None) -> str:
        """Queue an Event invocation under `request_id` (a new one if None); returns the id."""
        record = resolved.record
        request_id = request_id or str(uuid.uuid4())
        self.functions.store.enqueue(
            record.account, record.region, function_arn(record.region, record.account, record.name),
            resolved.ref.qualifier, payload, request_id, self.functions.clock.now())
        if self._wake is not None:
            self._wake.set()
        return request_id

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
            sleeper = asyncio.ensure_future(clock.sleep_until(clock.now() + delay))
            waker = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait([sleeper, waker], return_when=asyncio.FIRST_COMPLETED)
            sleeper.cancel()
            waker.cancel()

    async def _deliver(self, event: QueuedEvent, queued_seen: float) -> None:
        store = self.functions.store
        clock = self.functions.clock
        settings = self._settings(event)
        if clock.now() - event.queued_at > settings.max_age:
            self._running.discard(event.id)
            self._discard(event, settings.on_failure, EVENT_AGE_EXCEEDED, event.attempts, None)
            return
        metrics.by_function(self.functions.record, event.account, event.region,
                            event.function, "AsyncEventAge",
                            (clock.now() - event.queued_at) * 1000, "Milliseconds")
        try:
            result = await self.functions.invoke(event.account, event.region, event.function,
                                                 event.payload, event.qualifier,
                                                 request_id=event.request_id)
        except TooManyRequestsException:
            record = self._function(event)
            if record is not None and record.reserved == 0:
                # Unlike other throttles, not retried later (aws-facts §5.4).
                log.warning("dropping Event invocation of %s: reserved concurrency is 0",
                            event.function)
                self._discard(event, settings.on_failure, ZERO_RESERVED_CONCURRENCY,
                              event.attempts, None)
            else:
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
            self._discard(event, settings.on_success, SUCCESS, attempts, result)
        elif attempts > settings.max_retries:
            log.warning("dropping Event invocation of %s after %d attempts", event.function,
                        attempts)
            self._discard(event, settings.on_failure, RETRIES_EXHAUSTED, attempts, result)
        else:
            store.retry_event(event.id, attempts, clock.now() + RETRY_DELAYS[attempts - 1])

    def _settings(self, event: QueuedEvent) -> Settings:
        """The EventInvokeConfig of the invoked qualifier, or AWS's defaults."""
        record = self._function(event)
        config = (self.functions.store.invoke_config(record.id, event.qualifier or LATEST)
                  if record else None)
        if config is None:
            return Settings()
        destinations = config.get("DestinationConfig") or {}
        return Settings(
            int(config.get("MaximumRetryAttempts", DEFAULT_RETRIES)),
            float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE)),
            (destinations.get("OnSuccess") or {}).get("Destination"),
            (destinations.get("OnFailure") or {}).get("Destination"),
        )

    def _function(self, event: QueuedEvent) -> FunctionRecord | None:
        name = event.function.rsplit(":", 1)[-1]
        return self.functions.store.get(event.account, event.region, name)

    def _discard(self, event: QueuedEvent, destination: str | None, condition: str,
                 attempts: int, result: InvokeResult | None) -> None:
        """Done with the event: send its invocation record, if there is a destination, and
        remove it from the queue in one transaction; a failed event goes to the dead-letter
        queue too."""
        functions = self.functions
        dead_letters = None if condition == SUCCESS else self._dead_letter_target(event)
        failed: list[str] = []
        with functions.store.storage.transaction():
            if destination is not None:
                record = invocation_record(event, condition=condition, invoke_count=attempts,
                                           now=functions.clock.now(), result=result)
                if not send(functions, event, destination, record):
                    failed.append("DestinationDeliveryFailures")
            if dead_letters is not None and not dead_letter(functions, event, dead_letters,
                                                            condition, result):
                failed.append("DeadLetterErrors")
            functions.store.delete_event(event.id)
        if condition != SUCCESS:
            failed.append("AsyncEventsDropped")
        for metric in failed:
            metrics.by_function(functions.record, event.account, event.region, event.function,
                                metric, 1)

    def _dead_letter_target(self, event: QueuedEvent) -> str | None:
        """DeadLetterConfig.TargetArn of the invoked version (None if it is gone)."""
        try:
            resolved = self.functions.resolve(event.account, event.region, event.function,
                                              event.qualifier)
        except ResourceNotFoundException:
            return None
        target: str | None = (resolved.config.get("DeadLetterConfig") or {}).get("TargetArn")
        return target or None

    async def stop(self) -> None:
        self._stopped = True
        if self._wake is not None:
            self._wake.set()
        for task in list(self._tasks):
            task.cancel()
