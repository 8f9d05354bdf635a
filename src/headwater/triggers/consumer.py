"""One consumer per open shard of an enabled mapping: it waits on the stream's append
subscription, reads records and filters them as they join a batch (FilterCriteria, aws-facts
§4.7), routes them to up to ParallelizationFactor lanes by partition key (§4.1), gathers batches
(BatchSize, MaximumBatchingWindowInSeconds, 6 MB), and checkpoints the finished prefix of the
shard. With one lane the consumer delivers batch after batch itself; with more, each lane is a
task draining its own queue and the consumer keeps the queues topped up. How one batch is
delivered (retries, bisect, partial responses, record age, OnFailure) lives in `delivery.py`;
tumbling windows are driven from here with `windows.py`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from headwater.triggers import store
from headwater.triggers.delivery import Delivery
from headwater.triggers.events import MAX_PAYLOAD, event_record, payload_size, split_batches
from headwater.triggers.filter_patterns import compile_filters
from headwater.triggers.invoking import Outcome
from headwater.triggers.lanes import Lanes, Progress, lane_of, lane_of_blob
from headwater.triggers.metrics import Source
from headwater.triggers.model import Mapping
from headwater.triggers.role_checks import NO_ACCESS
from headwater.triggers.stream_source import SourceRecord
from headwater.triggers.windows import Window, window_start

if TYPE_CHECKING:
    from headwater.triggers.consumer_host import ConsumerHost

log = logging.getLogger("headwater.triggers")
MAX_BACKOFF_STEPS = 4  # the retry delay doubles at most this many times


class ShardConsumer(Delivery):
    def __init__(self, manager: ConsumerHost, mapping: Mapping, shard_id: str,
                 position: int) -> None:
        self.manager = manager
        self.mapping = mapping
        self.shard_id = shard_id
        self.position = position  # the last checkpoint written
        self.progress = Progress(position)
        self.task: asyncio.Task[None] | None = None
        self._stopping = False
        self._invoking: set[asyncio.Task[Any]] = set()  # stop() lets these finish
        self._window_start: float | None = None
        self._matcher = compile_filters(mapping.filters)
        self._lanes = 1 if mapping.tumbling_window else mapping.parallelization
        self._hash_key = manager.source.hash_key(mapping.source_arn) if self._lanes > 1 else None
        self._read_ahead = mapping.batch_size * self._lanes * 2  # records queued in lanes
        self._lane_set = (Lanes(self._lanes, mapping.batch_size, self._deliver,
                                lambda: self._stopping, self._lane_of,
                                low_water=self._read_ahead // 2, fill=mapping.window == 0)
                          if self._lanes > 1 else None)
        self._arn_json = orjson.dumps(mapping.source_arn)
        self.window: Window | None = self._saved_window()
        self._source = Source(mapping.account, mapping.region, mapping.function_name,
                              mapping.uuid, shard_id, mapping.counts_events)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name=f"esm-{self.mapping.uuid}-{self.shard_id}")

    def stop(self) -> None:
        """Stop after the invocations in flight (if any) are finished and checkpointed."""
        self._stopping = True
        if self.task is not None and self.task not in self._invoking:
            self.task.cancel()
        if self._lane_set is not None:
            self._lane_set.cancel(self._invoking)

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
                    await self._reset()
                    await self._idle_for(lambda: self._pause(self._delay(4)))
        except asyncio.CancelledError:
            if not self._stopping:
                raise
        finally:
            if self._lane_set is not None:  # in-flight batches finish and checkpoint
                if not self._stopping:  # cancelled from outside: nothing may outlive us
                    self._lane_set.cancel(set())
                await asyncio.gather(*self._lane_set.tasks, return_exceptions=True)

    async def _reset(self) -> None:
        """Forget what was read but not finished: read again from the checkpoint."""
        if self._lane_set is not None:
            await self._lane_set.close()
        self.progress.reset(self.position)
        self.window = self._saved_window()

    async def _idle_for(self, waiting: Callable[[], Awaitable[Any]]) -> Any:
        """Await something that may be abandoned on stop (no invocation is in flight)."""
        if self._stopping:
            raise asyncio.CancelledError
        return await waiting()

    async def _pause(self, seconds: float) -> None:
        lanes = self._lane_set
        if lanes is not None and asyncio.current_task() in lanes.tasks:
            await lanes.stalled(self._sleep(seconds))  # a batch waits to be retried
        else:
            await self._sleep(seconds)

    async def _sleep(self, seconds: float) -> None:
        await self.manager.clock.sleep(seconds)
        await asyncio.sleep(0)  # a zero delay must still let the rest of the server run

    def _delay(self, attempt: int) -> float:
        return float(self.manager.retry_delay * 2 ** min(max(attempt - 1, 0), MAX_BACKOFF_STEPS))

    # -- reading ---------------------------------------------------------------------------

    def _poll(self, want: int) -> tuple[list[SourceRecord], list[bytes], list[Any], int]:
        """Read until `want` records match the filters or the shard has no more; returns the
        matching records, their events, their parsed events (or None) and how many were read."""
        source, arn = self.manager.source, self.mapping.source_arn
        kept: list[SourceRecord] = []
        events: list[bytes] = []
        parsed: list[Any] = []
        read = 0
        while len(kept) < want:
            raw = source.read(arn, self.shard_id, self.progress.read, want - len(kept))
            if not raw:
                break
            read += len(raw)
            self.progress.read = raw[-1].seq
            for record in raw:
                event = event_record(record.blob, self._arn_json)
                body = orjson.loads(event) if self._matcher else None
                if self._matcher is not None and not self._matcher(body):
                    continue
                kept.append(record)
                events.append(event)
                parsed.append(body)
        metrics = self.manager.metrics
        metrics.polled(self._source, read)
        metrics.filtered_out(self._source, read - len(kept))
        self.progress.opened([r.seq for r in kept])
        return kept, events, parsed, read

    async def _step(self) -> bool:
        """Send what there is to send, or wait for records; True once the shard is finished."""
        if self.window is not None and self._window_outdated(self.window):
            await self.close_window(early=self._window_ends_early(self.window))
            return False
        if not self.manager.may_read(self.mapping):
            # The role lost the stream actions (role_checks.py): report it, wait, try again.
            self.manager.set_result(self.mapping.uuid, NO_ACCESS)
            await self._idle_for(lambda: self._pause(self._delay(MAX_BACKOFF_STEPS + 1)))
            return False
        if self._lane_set is not None:
            return await self._step_lanes()
        source, arn = self.manager.source, self.mapping.source_arn
        want = self.mapping.batch_size * self._lanes
        records, events, parsed, read = self._poll(want)
        if not records:
            self._save_progress()  # past records no filter matched
            if read:
                return False
            self._window_start = None
            if self.window is not None:
                return await self._idle_in_window()
            if source.is_closed(arn, self.shard_id):
                self._finish()
                return True
            await self._idle_for(lambda: source.wait_for_records(arn, self.shard_id, None,
                                                                 self.progress.read))
            return False
        if self.mapping.window > 0:
            records, events, parsed = await self._fill_window(records, events, parsed, want)
        if self.mapping.tumbling_window:
            await self._deliver_windowed(records, events)
        else:
            await self._deliver(records, events)
        self._window_start = self.manager.clock.now()
        return False

    async def _fill_window(self, records: list[SourceRecord], events: list[bytes],
                           parsed: list[Any], want: int
                           ) -> tuple[list[SourceRecord], list[bytes], list[Any]]:
        """Wait until BatchSize, the 6 MB payload or the window's end, whichever is first;
        filtered records never count towards the batch (aws-facts §4.7)."""
        clock, source, arn = self.manager.clock, self.manager.source, self.mapping.source_arn
        start = self._window_start if self._window_start is not None else clock.now()
        deadline = start + self.mapping.window
        while (len(records) < want and payload_size(records) < MAX_PAYLOAD * self._lanes
               and not source.is_closed(arn, self.shard_id)):
            remaining = deadline - clock.now()
            if remaining <= 0:
                break
            await self._wait_records_until(deadline)
            more, more_events, more_parsed, _ = self._poll(want - len(records))
            records, events, parsed = records + more, events + more_events, parsed + more_parsed
        return records, events, parsed

    # -- lanes -----------------------------------------------------------------------------

    def _lane_of(self, event: bytes, body: Any) -> int:
        """An event's lane; from its parsed body when FilterCriteria parsed it."""
        if body is not None:
            return lane_of(body, self._hash_key, self._lanes)
        return lane_of_blob(event, self._hash_key, self._lanes)

    async def _invoke(self, payload: bytes) -> Outcome:
        outcome = await super()._invoke(payload)
        if self._lane_set is not None:
            self._lane_set.crowded = outcome.queued  # another batch would only queue too
        return outcome

    async def _deliver(self, records: list[SourceRecord], events: list[bytes]) -> None:
        for batch in split_batches(self.shard_id, records, events, self.mapping.batch_size):
            await self.deliver(batch)

    async def _step_lanes(self) -> bool:
        """ParallelizationFactor > 1: keep the lanes' queues topped up while up to N batches
        are delivered on their own tasks; woken when a batch task ends, when the queues fall
        under half the read-ahead, or when records arrive while there is room. True once the
        shard is finished."""
        lanes = self._lane_set
        assert lanes is not None
        if lanes.failure is not None:
            raise RuntimeError("a lane failed") from lanes.failure
        source, arn = self.manager.source, self.mapping.source_arn
        capacity = self._read_ahead
        room = capacity - lanes.queued()
        read = 0
        if room > 0:
            records, events, parsed, read = self._poll(room)
            if records and self.mapping.window > 0:
                records, events, parsed = await self._fill_window(records, events, parsed,
                                                                  room)
            lanes.add(records, events, parsed)
            lanes.start()
            self._save_progress()  # past records no filter matched
            if read and lanes.queued() < capacity:
                return False  # there may be more to read right away
        if not read and not lanes.busy() and source.is_closed(arn, self.shard_id):
            self._finish()
            return True
        lanes.changed.clear()
        waits: list[asyncio.Future[bool]] = [asyncio.ensure_future(lanes.changed.wait())]
        if lanes.queued() < capacity:  # room left after this step's read
            waits.append(asyncio.ensure_future(source.wait_for_records(arn, self.shard_id,
                                                                       None, self.progress.read)))
        try:
            await self._idle_for(lambda: asyncio.wait(waits,
                                                      return_when=asyncio.FIRST_COMPLETED))
        finally:
            for waiting in waits:
                waiting.cancel()
        return False

    # -- tumbling windows (aws-facts §4.6) ---------------------------------------------------

    async def _deliver_windowed(self, records: list[SourceRecord], events: list[bytes]) -> None:
        length = self.mapping.tumbling_window
        start = 0
        while start < len(records):
            opens = window_start(records[start].created, length)
            end = start
            while end < len(records) and window_start(records[end].created, length) == opens:
                end += 1
            if self.window is not None and self.window.start != opens:
                await self.close_window(early=False)
            for batch in split_batches(self.shard_id, records[start:end], events[start:end],
                                       self.mapping.batch_size):
                if self.window is None:
                    self.window = Window(opens, opens + length)
                await self.deliver(batch)
                if self.window is not None and self.window.too_big():
                    await self.close_window(early=True)
            start = end

    def _saved_window(self) -> Window | None:
        """The window saved with the checkpoint this consumer starts from, if any."""
        blob = store.open_window(self.manager.storage.conn, self.mapping.uuid, self.shard_id)
        return None if blob is None else Window.from_blob(blob)

    def _window_outdated(self, window: Window) -> bool:
        """A restored window that must close before anything else: TumblingWindowInSeconds
        changed or was removed meanwhile, or its state had just outgrown 1 MB."""
        return window.length() != self.mapping.tumbling_window or window.too_big()

    def _window_ends_early(self, window: Window) -> bool:
        return window.too_big() or self.manager.clock.now() < window.end

    async def _idle_in_window(self) -> bool:
        """Nothing to read with a window open: wait for records or the window's end."""
        assert self.window is not None
        clock, source, arn = self.manager.clock, self.manager.source, self.mapping.source_arn
        if clock.now() >= self.window.end or source.is_closed(arn, self.shard_id):
            await self.close_window(early=False)
            return False
        await self._wait_records_until(self.window.end)
        return False

    async def _wait_records_until(self, deadline: float) -> None:
        """Wait for an append to the shard or for the clock to reach `deadline` (an advance
        of the clock ends the wait too)."""
        source, arn = self.manager.source, self.mapping.source_arn
        waits = [asyncio.ensure_future(source.wait_for_records(arn, self.shard_id, None,
                                                               self.progress.read)),
                 asyncio.ensure_future(self.manager.clock.sleep_until(deadline))]
        try:
            await self._idle_for(lambda: asyncio.wait(waits,
                                                      return_when=asyncio.FIRST_COMPLETED))
        finally:
            for waiting in waits:
                waiting.cancel()

    # -- checkpoints -----------------------------------------------------------------------

    def settled(self, seqs: list[int]) -> None:
        """These records are finished (delivered or discarded). Inside a tumbling window the
        state changed with them: it is saved with the checkpoint even if that did not move."""
        self.progress.done(seqs)
        if self.window is not None:
            self._checkpoint(self.progress.checkpoint())
        else:
            self._save_progress()

    def _save_progress(self) -> None:
        seq = self.progress.checkpoint()
        if seq != self.position:
            self._checkpoint(seq)

    def _checkpoint(self, seq: int, finished: bool = False) -> None:
        storage = self.manager.storage
        with storage.transaction() as conn:
            store.save_checkpoint(conn, self.mapping.uuid, self.shard_id, seq, finished,
                                  self.window_blob())
        self.position = seq

    def window_blob(self) -> bytes | None:
        return None if self.window is None else self.window.blob()

    def _finish(self) -> None:
        self._checkpoint(self.position, finished=True)
        self.manager.shard_finished(self.mapping.uuid)
