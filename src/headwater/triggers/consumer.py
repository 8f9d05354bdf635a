"""One consumer per open shard of an enabled mapping: it waits on the stream's append
subscription, gathers a batch (BatchSize, MaximumBatchingWindowInSeconds, 6 MB), invokes the
function synchronously with one batch in flight, retries failures while blocking the shard,
discards to OnFailure when retries or record age run out (aws-facts §4.1, §4.3), and
checkpoints after every batch in the transaction of its outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from headwater.core.ids import new_uuid
from headwater.streams.model import RETENTION_SECONDS
from headwater.triggers import store
from headwater.triggers.events import MAX_PAYLOAD, Batch, build_batch, payload_size
from headwater.triggers.failures import (
    RECORD_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    deliver,
    invocation_record,
    response_context,
)
from headwater.triggers.invoking import Outcome
from headwater.triggers.metrics import Source
from headwater.triggers.model import FUNCTION_FAILED, OK, Mapping
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.triggers.manager import TriggerManager

log = logging.getLogger("headwater.triggers")
MAX_BACKOFF_STEPS = 4  # the retry delay doubles at most this many times
THROTTLED = "PROBLEM: Function call throttled"
NOT_INVOCABLE = "PROBLEM: Function call failed"


class ShardConsumer:
    def __init__(self, manager: TriggerManager, mapping: Mapping, shard_id: str,
                 position: int) -> None:
        self.manager = manager
        self.mapping = mapping
        self.shard_id = shard_id
        self.position = position
        self.task: asyncio.Task[None] | None = None
        self._stopping = False
        self._idle = False
        self._window_start: float | None = None
        self._source = Source(mapping.account, mapping.region, mapping.function_name,
                              mapping.uuid, shard_id)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name=f"esm-{self.mapping.uuid}-{self.shard_id}")

    def stop(self) -> None:
        """Stop after the batch in flight (if any) is finished and checkpointed."""
        self._stopping = True
        if self._idle and self.task is not None:
            self.task.cancel()

    async def run(self) -> None:
        try:
            while not self._stopping:
                try:
                    if await self._step():
                        return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("trigger %s shard %s: iteration failed", self.mapping.uuid,
                                  self.shard_id)
                    self.manager.metrics.failed_iteration(self._source)
                    await self._idle_for(lambda: self._pause(self._delay(4)))
        except asyncio.CancelledError:
            if not self._stopping:
                raise

    async def _idle_for(self, waiting: Callable[[], Awaitable[Any]]) -> Any:
        """Await something that may be abandoned on stop (no batch is in flight)."""
        if self._stopping:
            raise asyncio.CancelledError
        self._idle = True
        try:
            return await waiting()
        finally:
            self._idle = False

    async def _pause(self, seconds: float) -> None:
        await self.manager.clock.sleep(seconds)
        await asyncio.sleep(0)  # a zero delay must still let the rest of the server run

    def _delay(self, attempt: int) -> float:
        return float(self.manager.retry_delay * 2 ** min(max(attempt - 1, 0), MAX_BACKOFF_STEPS))

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> list[Any]:
        source = self.manager.source
        return source.read(self.mapping.source_arn, self.shard_id, self.position,
                           self.mapping.batch_size)

    async def _step(self) -> bool:
        """Send one batch, or wait for records; True once the shard is finished."""
        source, arn = self.manager.source, self.mapping.source_arn
        records = self._read()
        if not records:
            self._window_start = None
            if source.is_closed(arn, self.shard_id):
                self._finish()
                return True
            await self._idle_for(lambda: source.wait_for_records(arn, self.shard_id, None))
            return False
        window = self.mapping.window
        if window > 0:
            records = await self._fill_window(records, window)
        batch = build_batch(self.shard_id, arn, records, self.mapping.batch_size)
        await self._process(batch)
        self._window_start = self.manager.clock.now()
        return False

    async def _fill_window(self, records: list[Any], window: float) -> list[Any]:
        """Wait until BatchSize, the 6 MB payload or the window's end, whichever is first."""
        clock, source, arn = self.manager.clock, self.manager.source, self.mapping.source_arn
        start = self._window_start if self._window_start is not None else clock.now()
        deadline = start + window
        while (len(records) < self.mapping.batch_size and payload_size(records) < MAX_PAYLOAD
               and not source.is_closed(arn, self.shard_id)):
            remaining = deadline - clock.now()
            if remaining <= 0:
                break
            await self._idle_for(lambda: source.wait_for_records(arn, self.shard_id, remaining))
            records = self._read()
        return records

    # -- one batch -------------------------------------------------------------------------

    async def _process(self, batch: Batch) -> None:
        """Invoke until the batch succeeds or is discarded; return early only on stop."""
        m, clock, metrics = self.mapping, self.manager.clock, self.manager.metrics
        attempts = refusals = 0
        request_id = ""
        while True:
            batch = self._drop_expired(batch, attempts, request_id)
            if not batch.records:
                return
            metrics.batch_sent(self._source, (clock.now() - batch.records[-1].created) * 1000)
            started = asyncio.get_running_loop().time()
            outcome: Outcome = await self.manager.invoke(
                m.account, m.region, m.function_arn.rsplit(":", 1)[0] if m.qualifier
                else m.function_arn, batch.payload(), m.qualifier)
            elapsed_ms = (asyncio.get_running_loop().time() - started) * 1000
            if outcome.refused is not None:
                # Throttles and invocation errors never use up retries (aws-facts §4.3).
                refusals += 1
                if outcome.throttled:
                    metrics.throttled(self._source)
                self.manager.set_result(m.uuid, THROTTLED if outcome.throttled else NOT_INVOCABLE)
                await self._idle_for(lambda: self._pause(self._delay(refusals)))
                continue
            attempts += 1
            request_id = outcome.request_id or new_uuid()
            failed = outcome.function_error is not None
            metrics.invoked(self._source, elapsed_ms, failed)
            if not failed:
                self._checkpoint(batch.last_seq)
                metrics.succeeded(self._source, len(batch.records))
                self.manager.set_result(m.uuid, OK)
                return
            self.manager.set_result(m.uuid, FUNCTION_FAILED)
            if 0 <= m.max_retries < attempts:
                response = response_context(outcome.status, outcome.executed_version,
                                            outcome.function_error)
                self._discard(batch, RETRIES_EXHAUSTED, attempts, request_id, response)
                return
            await self._idle_for(lambda: self._pause(self._delay(attempts)))

    def _drop_expired(self, batch: Batch, attempts: int, request_id: str) -> Batch:
        """Records older than MaximumRecordAgeInSeconds are not sent: they go to OnFailure as
        RecordAgeExceeded and the rest of the batch goes on (aws-facts §4.3). With -1 (forever)
        a record still expires with the stream's 24 h retention."""
        max_age = self.mapping.max_age if self.mapping.max_age >= 0 else RETENTION_SECONDS
        oldest_allowed = self.manager.clock.now() - max_age
        expired = 0
        for record in batch.records:
            if record.created >= oldest_allowed:
                break
            expired += 1
        if not expired:
            return batch
        gone = Batch(batch.shard_id, batch.records[:expired], batch.events[:expired])
        self._discard(gone, RECORD_AGE_EXCEEDED, attempts, request_id or new_uuid(), None)
        return batch.drop_first(expired)

    # -- outcomes --------------------------------------------------------------------------

    def _checkpoint(self, seq: int, finished: bool = False) -> None:
        storage = self.manager.storage
        with storage.transaction() as conn:
            store.save_checkpoint(conn, self.mapping.uuid, self.shard_id, seq, finished)
        self.position = seq

    def _finish(self) -> None:
        self._checkpoint(self.position, finished=True)
        self.manager.shard_finished(self.mapping.uuid)

    def _discard(self, batch: Batch, condition: str, attempts: int, request_id: str,
                 response: dict[str, Any] | None) -> None:
        """Send the OnFailure record and checkpoint past the batch, in one transaction."""
        m, manager = self.mapping, self.manager
        destination = m.on_failure
        record = invocation_record(
            batch=batch, stream_arn=m.source_arn, function_arn=m.function_arn,
            condition=condition, request_id=request_id, invoke_count=attempts,
            now=manager.clock.now(), response=response)
        delivered = False
        if destination is not None:
            try:
                with manager.storage.transaction() as conn:
                    deliver(manager.runtime, m.account, m.region, destination,
                            orjson.dumps(record).decode())
                    store.save_checkpoint(conn, m.uuid, self.shard_id, batch.last_seq)
                delivered = True
            except AwsError as error:
                log.warning("trigger %s: OnFailure delivery to %s failed: %s", m.uuid,
                            destination, error.message or error.code)
        if not delivered:
            with manager.storage.transaction() as conn:
                store.save_checkpoint(conn, m.uuid, self.shard_id, batch.last_seq)
        self.position = batch.last_seq
        manager.metrics.dropped(self._source, len(batch.records), delivered)
