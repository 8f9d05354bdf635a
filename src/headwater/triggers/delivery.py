"""Delivering one batch (aws-facts §4.3-4.6): invoke synchronously and retry while blocking the
lane; throttles never use up retries; records past MaximumRecordAgeInSeconds are not sent;
BisectBatchOnFunctionError splits a failed batch in halves, each retried on its own down to
single records, without using up retries; ReportBatchItemFailures checkpoints before the lowest
reported item and retries from it (with bisect: splits there); exhausted retries send an
OnFailure record for exactly the records that finally failed, and checkpoint past them.

`Delivery` is the half of `ShardConsumer` that handles one batch; the consumer provides the
attributes annotated below and `settled` (records finished).
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
from headwater.triggers.events import Batch
from headwater.triggers.failures import (
    RECORD_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    invocation_record,
    is_bucket,
    response_context,
    s3_object,
)
from headwater.triggers.invoking import Outcome
from headwater.triggers.model import FUNCTION_FAILED, OK, Mapping
from headwater.triggers.responses import FAILED, PARTIAL, judge
from headwater.triggers.responses import OK as SUCCEEDED
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.triggers.consumer_host import ConsumerHost
    from headwater.triggers.lanes import Progress
    from headwater.triggers.metrics import Source
    from headwater.triggers.windows import Window

log = logging.getLogger("headwater.triggers")


def function_name(mapping: Mapping) -> str:
    return mapping.function_arn.split(":")[6]
THROTTLED = "PROBLEM: Function call throttled"
NOT_INVOCABLE = "PROBLEM: Function call failed"


class Delivery:
    manager: ConsumerHost
    mapping: Mapping
    shard_id: str
    position: int
    progress: Progress
    window: Window | None
    _source: Source
    _invoking: set[asyncio.Task[Any]]

    # provided by ShardConsumer
    def settled(self, seqs: list[int]) -> None: ...
    def _checkpoint(self, seq: int, finished: bool = False) -> None: ...
    def window_blob(self) -> bytes | None: raise NotImplementedError
    async def _idle_for(self, waiting: Callable[[], Awaitable[Any]]) -> Any: ...
    async def _pause(self, seconds: float) -> None: ...
    def _delay(self, attempt: int) -> float: raise NotImplementedError

    async def deliver(self, batch: Batch) -> None:
        """Process `batch` until every record in it succeeded or was discarded."""
        pending = [batch]
        while pending:
            pending[:0] = await self._until_settled(pending.pop(0))

    async def _invoke(self, payload: bytes) -> Outcome:
        m = self.mapping
        function = m.function_arn.rsplit(":", 1)[0] if m.qualifier else m.function_arn
        task = asyncio.current_task()
        assert task is not None
        self._invoking.add(task)
        try:
            return await self.manager.invoke(m.account, m.region, function, payload,
                                             m.qualifier)
        finally:
            self._invoking.discard(task)

    async def _refused(self, outcome: Outcome, refusals: int) -> None:
        # Throttles and invocation errors never use up retries (aws-facts §4.3).
        if outcome.throttled:
            self.manager.metrics.throttled(self._source)
        self.manager.set_result(self.mapping.uuid,
                                THROTTLED if outcome.throttled else NOT_INVOCABLE)
        await self._idle_for(lambda: self._pause(self._delay(refusals)))

    def _members(self, final: bool = False, early: bool = False) -> bytes:
        if self.window is None:
            return b""
        return self.window.members(self.shard_id, self.mapping.source_arn, final, early)

    async def _until_settled(self, batch: Batch) -> list[Batch]:
        """Invoke `batch` until it succeeds or is discarded; or return the parts to process
        next, in order, when it is split (bisect, or partial success with bisect)."""
        m, clock, metrics, manager = self.mapping, self.manager.clock, self.manager.metrics, \
            self.manager
        loop = asyncio.get_running_loop()
        attempts = refusals = 0
        request_id = ""
        while True:
            batch = self._drop_expired(batch, attempts, request_id)
            if not batch.records:
                return []
            metrics.batch_sent(self._source, (clock.now() - batch.records[-1].created) * 1000)
            started = loop.time()
            outcome = await self._invoke(batch.payload(self._members()))
            elapsed_ms = (loop.time() - started) * 1000
            if outcome.refused is not None:
                refusals += 1
                await self._refused(outcome, refusals)
                continue
            attempts += 1
            request_id = outcome.request_id or new_uuid()
            verdict = judge(outcome, batch.seqs, m.reports_failures, self.window is not None)
            metrics.invoked(self._source, elapsed_ms, outcome.function_error is not None,
                            attempts)
            metrics.invoked_events(self._source, len(batch.records), verdict.kind != SUCCEEDED)
            if log.isEnabledFor(logging.INFO):  # the default level is warning
                log.info("trigger batch", extra={"fields": {
                    "account": m.account, "mapping": m.uuid, "function": function_name(m),
                    "shard": self.shard_id, "records": len(batch.records),
                    "result": verdict.kind, "duration_ms": round(elapsed_ms, 1)}})
            if verdict.has_state and verdict.kind != FAILED and self.window is not None:
                # A failed batch is sent again with the state it was sent with; a partial
                # answer's state is the function's account of the records it did process.
                self.window.state = verdict.state
            if verdict.kind == SUCCEEDED:
                self.settled(batch.seqs)
                metrics.succeeded(self._source, len(batch.records))
                manager.set_result(m.uuid, OK)
                return []
            manager.set_result(m.uuid, FUNCTION_FAILED)
            if verdict.kind == PARTIAL and verdict.index > 0:
                # Checkpoint before the lowest reported item and retry from it (§4.5).
                self.settled(batch.take_first(verdict.index).seqs)
                metrics.succeeded(self._source, verdict.index)
                metrics.partial(self._source, verdict.index, len(batch.records) - verdict.index)
                batch = batch.drop_first(verdict.index)
                if m.bisect:
                    return [batch]  # split at the reported item: a new batch, fresh retries
            elif verdict.kind != PARTIAL and m.bisect and len(batch.records) > 1:
                half = len(batch.records) // 2  # bisecting uses up no retries (§4.3)
                metrics.bisected(self._source, half, len(batch.records) - half)
                return [batch.take_first(half), batch.drop_first(half)]
            if 0 <= m.max_retries < attempts:
                response = response_context(outcome.status, outcome.executed_version,
                                            verdict.function_error)
                self._discard(batch, RETRIES_EXHAUSTED, attempts, request_id, response)
                return []
            await self._idle_for(lambda: self._pause(self._delay(attempts)))

    async def close_window(self, early: bool) -> None:
        """The final invocation of the open tumbling window, retried until it succeeds; then
        drop its state from the checkpoint (aws-facts §4.6). The answer must carry `state`
        unless the mapping no longer has windows (a window left open by an update)."""
        window = self.window
        assert window is not None
        metrics, loop = self.manager.metrics, asyncio.get_running_loop()
        attempts = refusals = 0
        payload = Batch(self.shard_id, [], []).payload(self._members(final=True, early=early))
        while True:
            started = loop.time()
            outcome = await self._invoke(payload)
            if outcome.refused is not None:
                refusals += 1
                await self._refused(outcome, refusals)
                continue
            attempts += 1
            metrics.invoked(self._source, (loop.time() - started) * 1000,
                            outcome.function_error is not None)
            if judge(outcome, [], False, self.mapping.tumbling_window > 0).kind == SUCCEEDED:
                break
            self.manager.set_result(self.mapping.uuid, FUNCTION_FAILED)
            await self._idle_for(lambda: self._pause(self._delay(attempts)))
        self.window = None
        self._checkpoint(self.progress.checkpoint())

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
        self._discard(batch.take_first(expired), RECORD_AGE_EXCEEDED, attempts,
                      request_id or new_uuid(), None)
        return batch.drop_first(expired)

    def _discard(self, batch: Batch, condition: str, attempts: int, request_id: str,
                 response: dict[str, Any] | None) -> None:
        """Send the OnFailure record and move the checkpoint, in one transaction."""
        m, manager = self.mapping, self.manager
        record = invocation_record(
            batch=batch, stream_arn=m.source_arn, function_arn=m.function_arn,
            condition=condition, request_id=request_id, invoke_count=attempts,
            now=manager.clock.now(), response=response)
        self.progress.done(batch.seqs)
        seq, window = self.progress.checkpoint(), self.window_blob()
        delivered = False
        if m.on_failure is not None:
            try:
                with manager.storage.transaction() as conn:
                    if is_bucket(m.on_failure):
                        manager.put_object(m.account, *s3_object(
                            record, batch, m.uuid, manager.clock.now(), m.on_failure))
                    else:
                        manager.deliver(m.account, m.region, m.on_failure,
                                        orjson.dumps(record).decode())
                    store.save_checkpoint(conn, m.uuid, self.shard_id, seq, window=window)
                delivered = True
            except AwsError as error:
                log.warning("trigger %s: OnFailure delivery to %s failed: %s", m.uuid,
                            m.on_failure, error.message or error.code)
        if not delivered:
            with manager.storage.transaction() as conn:
                store.save_checkpoint(conn, m.uuid, self.shard_id, seq, window=window)
        self.position = seq
        manager.metrics.dropped(self._source, len(batch.records), delivered, condition,
                                m.on_failure)
