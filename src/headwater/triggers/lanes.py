"""ParallelizationFactor (aws-facts §4.1): records of one shard routed to up to 10 lanes by
partition key, so each key's changes stay in order while different keys run concurrently; and
the shard's progress, which never passes a record whose lane has not finished with it."""

from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterator
from itertools import accumulate
from typing import Any

import orjson

from headwater.triggers.events import MAX_PAYLOAD
from headwater.triggers.stream_source import SourceRecord

Runner = Callable[[list[SourceRecord], list[bytes]], Awaitable[None]]


def lane_of(record: dict[str, Any], hash_key: str | None, lanes: int) -> int:
    """The lane of one wire record: a stable hash of its partition key value."""
    if lanes <= 1:
        return 0
    keys = record.get("dynamodb", {}).get("Keys", {})
    value = keys.get(hash_key) if hash_key is not None else None
    token = orjson.dumps(value if value is not None else keys, option=orjson.OPT_SORT_KEYS)
    return zlib.crc32(token) % lanes


# Where a wire record's Keys object starts: right after ApproximateCreationDateTime, the first
# member of `dynamodb` (streams/records.py; AWS's order too, aws-facts §1.6).
_BEFORE_KEYS = b'"dynamodb":{"ApproximateCreationDateTime":'
_KEYS = b',"Keys":{'
_ENVELOPE = len(b'{"Records":[]}')


def lane_of_blob(blob: bytes, hash_key: str | None, lanes: int) -> int:
    """lane_of for a wire record still in JSON (bytes), decoding its Keys object alone: in a
    stream's records it follows ApproximateCreationDateTime and ends at the first `}},"` (its
    last value object's end and its own; no string can hold an unescaped quote). Whatever does
    not fit that layout is decoded whole."""
    if lanes <= 1:
        return 0
    anchor = blob.find(_BEFORE_KEYS)
    if anchor >= 0 and hash_key is not None:
        number = anchor + len(_BEFORE_KEYS)
        start = blob.find(_KEYS, number, number + 40)
        if start > number and blob.find(b'"', number, start) < 0:  # only the number between
            start += len(_KEYS) - 1
            end = blob.find(b'}},"', start)
            if end > 0:
                try:
                    keys = orjson.loads(blob[start:end + 2])
                except orjson.JSONDecodeError:
                    keys = None
                value = keys.get(hash_key) if isinstance(keys, dict) else None
                if isinstance(value, dict) and len(value) == 1:
                    token = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
                    return zlib.crc32(token) % lanes
    return lane_of(orjson.loads(blob), hash_key, lanes)


class Progress:
    """Which read records are still open; the checkpoint is the end of the finished prefix.

    Records that matched no filter are never opened, so the checkpoint moves past them as soon
    as every earlier delivered record is done (aws-facts §4.7)."""

    def __init__(self, position: int) -> None:
        self.read = position  # the last sequence counter read
        self._open: OrderedDict[int, bool] = OrderedDict()

    def opened(self, seqs: list[int]) -> None:
        for seq in seqs:
            self._open[seq] = False

    def done(self, seqs: list[int]) -> None:
        for seq in seqs:
            if seq in self._open:
                self._open[seq] = True
        while self._open:
            seq, finished = next(iter(self._open.items()))
            if not finished:
                break
            self._open.popitem(last=False)

    def checkpoint(self) -> int:
        """Every record at or before this position is finished."""
        if not self._open:
            return self.read
        return next(iter(self._open)) - 1

    def reset(self, position: int) -> None:
        self.read = position
        self._open.clear()


Route = Callable[[bytes, Any], int]  # an event (and its parsed body, or None) -> its lane
Entry = tuple[SourceRecord, bytes]
Claim = tuple[list[int], list[SourceRecord], list[bytes]]  # lanes, records, events


class Pending:
    """Read records not routed to a lane yet, in shard order: parallel lists from `head` on,
    with the events' running byte count, so a batch in shard order is two slices."""

    COMPACT = 4096  # taken records that the lists drop once they are half of them

    def __init__(self) -> None:
        self.records: list[SourceRecord] = []
        self.events: list[bytes] = []
        self.parsed: list[Any] = []
        self._sums = [0]  # _sums[i]: bytes of events[:i], separators not counted
        self.head = 0

    def __len__(self) -> int:
        return len(self.records) - self.head

    def size(self) -> int:
        """Bytes of the events with one separator each."""
        return self._sums[-1] - self._sums[self.head] + len(self)

    def add(self, records: list[SourceRecord], events: list[bytes], parsed: list[Any]) -> None:
        self.records += records
        self.events += events
        self.parsed += parsed
        self._sums += accumulate(map(len, events), initial=self._sums[-1])
        del self._sums[-len(events) - 1]  # the initial value, already there

    def take(self, room: int, budget: int, first: bool
             ) -> tuple[list[SourceRecord], list[bytes], int]:
        """Up to `room` records whose events (a separator each) fit in `budget` bytes (the
        first one always when `first`): their records, events and bytes."""
        head, sums = self.head, self._sums
        end = head + min(room, len(self))
        while end > head and sums[end] - sums[head] + end - head > budget:
            end -= 1
        if end == head and first and len(self):
            end = head + 1
        size = sums[end] - sums[head] + end - head
        records, events = self.records[head:end], self.events[head:end]
        self.head = end
        if end > self.COMPACT and end * 2 > len(self.records):
            self._compact()
        return records, events, size

    def drain(self) -> Iterator[tuple[SourceRecord, bytes, Any]]:
        """Every record, event and parsed event, the list emptied."""
        head = self.head
        entries = zip(self.records[head:], self.events[head:], self.parsed[head:], strict=True)
        self.clear()
        return entries

    def clear(self) -> None:
        self.records, self.events, self.parsed = [], [], []
        self._sums = [0]
        self.head = 0

    def _compact(self) -> None:
        head = self.head
        del self.records[:head], self.events[:head], self.parsed[:head], self._sums[:head]
        self.head = 0


class Lanes:
    """N lanes of one shard by partition-key hash, and up to N batches in flight. A batch claims
    the lanes it takes records from until it is settled (retries, bisect and partial responses
    included), so each lane's records (one partition key's changes among them) are delivered
    in order while other lanes go on, and a failing batch blocks exactly its own lanes.

    A batch fills up to BatchSize from every unclaimed lane, oldest records first, and one
    with fewer records goes only when no other batch is on its way to finishing (none is in
    flight, or each waits to be retried): concurrency grows with the backlog (one batch for a
    backlog of BatchSize, N for N times that) instead of cutting a small backlog into N small
    batches, each an invocation of its own, and records never wait longer than they would
    behind the one batch of ParallelizationFactor 1. With a batching window (`fill` false)
    the records already waited for a full batch: every batch may go short.

    While the shard's invocations queue for an execution environment because the server
    itself is the bottleneck (`crowded`, set from each invocation's Outcome.queued: its loop
    never waits, so neither another environment nor another batch goes faster):
    no batch starts beside one on its way to finishing, a task that finished its batch ends
    while another is, and the one left takes the oldest records in shard order without
    routing them to lanes (a batch of ParallelizationFactor 1, holding every lane). Records
    are routed (`route`) only when a batch claims lanes: a batch in flight that holds every
    lane has its own records routed then, and gives back only their lanes."""

    def __init__(self, count: int, batch_size: int, run: Runner,
                 stopping: Callable[[], bool], route: Route, low_water: int = 0,
                 fill: bool = True) -> None:
        # Records not routed yet, each with its parsed event (or None): all newer than any
        # routed record.
        self.pending = Pending()
        self.queues: list[deque[Entry]] = [deque() for _ in range(count)]
        # Routed records put back in shard order with their lanes (for batches taken in order;
        # back to their queues when a batch claims lanes): older than any in `pending`.
        self._ordered: deque[tuple[SourceRecord, bytes, int]] = deque()
        self.sizes = [0] * count  # each queue's events in bytes, with their separators
        self.claimed = [False] * count
        self.tasks: set[asyncio.Task[None]] = set()
        self.count = count
        self.batch_size = batch_size
        self.changed = asyncio.Event()  # the queues ran low, a batch failed or none is left
        self.failure: BaseException | None = None
        self.crowded = False  # the shard's last invocation queued for an environment
        self._stalled: set[asyncio.Task[Any]] = set()  # batches waiting to be retried
        self._queued = 0
        # The batch in flight taken in shard order (its lanes list, filled when routed, and
        # its events): it holds every lane.
        self._whole: tuple[list[int], list[bytes]] | None = None
        self._low_water = low_water  # below this many queued records, `changed` is set
        self._fill = fill  # False: every batch may go short (records waited a batching window)
        self._run = run
        self._route = route
        self._stopping = stopping

    def queued(self) -> int:
        return self._queued

    def busy(self) -> bool:
        return bool(self.tasks)

    def add(self, records: list[SourceRecord], events: list[bytes], parsed: list[Any]) -> None:
        """Queue read records (with their events, parsed or None), not routed yet."""
        self.pending.add(records, events, parsed)
        self._queued += len(records)

    def start(self) -> None:
        """Start batches while fewer than N are in flight and an unclaimed lane has records;
        while crowded, only when no batch is on its way to finishing."""
        while len(self.tasks) < self.count and not self._stopping():
            if self.crowded and self._active(None):
                return
            claim = self._claim(self._may_cut(None))
            if claim is None:
                return
            task = asyncio.create_task(self._deliver(*claim))
            self.tasks.add(task)

    def _active(self, own: asyncio.Task[Any] | None) -> int:
        """Batches in flight but `own` that are on their way to finishing (not stalled)."""
        others = len(self.tasks) - len(self._stalled)
        if own is not None and own not in self._stalled:
            others -= 1  # `own` is a batch task: in `tasks` until it ends
        return others

    def _may_cut(self, own: asyncio.Task[Any] | None) -> bool:
        """Whether a batch may go with fewer than BatchSize records: when no batch but `own`
        is on its way to finishing (it will take the records with its next batch)."""
        return not self._fill or self._active(own) <= 0

    def _claim(self, may_cut: bool) -> Claim | None:
        """The next batch: records of unclaimed lanes, the lane with the oldest record first,
        up to BatchSize and the 6 MB payload, in shard order; its lanes claimed. None: no
        unclaimed lane has any, or too few for a full batch and `may_cut` is false. While
        crowded with no lane claimed: the oldest records, holding every lane."""
        if self._whole is not None:
            self._route_whole()
        claimed = self.claimed
        if self.crowded and not any(claimed):
            return self._claim_in_order(may_cut)
        self._route_pending()
        queues, sizes = self.queues, self.sizes
        ready = [lane for lane in range(self.count) if queues[lane] and not claimed[lane]]
        if not ready or (not may_cut
                         and sum(len(queues[lane]) for lane in ready) < self.batch_size
                         and sum(sizes[lane] for lane in ready) + _ENVELOPE < MAX_PAYLOAD):
            return None
        if len(ready) > 1:
            ready.sort(key=lambda lane: queues[lane][0][0].seq)
        room, size = self.batch_size, _ENVELOPE
        lanes: list[int] = []
        taken: list[Entry] = []
        for lane in ready:
            queue = queues[lane]
            if taken and size + len(queue[0][1]) + 1 > MAX_PAYLOAD:
                break
            while queue and room:
                grown = size + len(queue[0][1]) + 1
                if taken and grown > MAX_PAYLOAD:
                    room = 0
                    break
                entry = queue.popleft()
                taken.append(entry)
                sizes[lane] -= len(entry[1]) + 1
                size, room = grown, room - 1
            claimed[lane] = True
            lanes.append(lane)
            if not room:
                break
        if len(lanes) > 1:
            taken.sort(key=lambda entry: entry[0].seq)
        self._took(len(taken))
        return lanes, [r for r, _ in taken], [e for _, e in taken]

    def _claim_in_order(self, may_cut: bool) -> Claim | None:
        """The oldest records up to BatchSize and the 6 MB payload: routed ones first (older
        than any not routed yet), then the rest without routing them. The batch holds every
        lane (`_whole`) until it is settled or another batch must claim lanes."""
        pending, ordered = self.pending, self._ordered
        if not self._queued or (not may_cut and self._queued < self.batch_size
                                and sum(self.sizes) + pending.size() + _ENVELOPE
                                < MAX_PAYLOAD):
            return None
        if len(pending) + len(ordered) < self._queued:
            self._unroute()
        room, size = self.batch_size, _ENVELOPE
        records: list[SourceRecord] = []
        events: list[bytes] = []
        while ordered and room:
            grown = size + len(ordered[0][1]) + 1
            if records and grown > MAX_PAYLOAD:
                room = 0
                break
            record, event, lane = ordered.popleft()
            self.sizes[lane] -= len(event) + 1
            records.append(record)
            events.append(event)
            size, room = grown, room - 1
        if room and pending:
            more, more_events, _ = pending.take(room, MAX_PAYLOAD - size, not records)
            records += more
            events += more_events
        lanes: list[int] = []
        self._whole = (lanes, events)
        self._took(len(records))
        return lanes, records, events

    def _unroute(self) -> None:
        """The records in the lanes' queues into `_ordered`, in shard order, lanes kept."""
        entries = [(record, event, lane) for lane, queue in enumerate(self.queues)
                   for record, event in queue]
        entries.extend(self._ordered)
        entries.sort(key=lambda entry: entry[0].seq)
        self._ordered.clear()
        self._ordered.extend(entries)
        for queue in self.queues:
            queue.clear()

    def _route_whole(self) -> None:
        """The batch in flight that holds every lane keeps only its own records' lanes."""
        assert self._whole is not None
        lanes, events = self._whole
        self._whole = None
        own = sorted({self._route(event, None) for event in events})
        for lane in own:
            self.claimed[lane] = True
        lanes.extend(own)

    def _route_pending(self) -> None:
        route, queues, sizes, pending = self._route, self.queues, self.sizes, self.pending
        ordered = self._ordered
        while ordered:
            record, event, lane = ordered.popleft()
            queues[lane].append((record, event))  # sizes still count them
        for record, event, body in pending.drain():
            lane = route(event, body)
            queues[lane].append((record, event))
            sizes[lane] += len(event) + 1

    def _took(self, count: int) -> None:
        self._queued -= count
        if self._queued < self._low_water:
            self.changed.set()

    async def _deliver(self, lanes: list[int], records: list[SourceRecord],
                       events: list[bytes]) -> None:
        """Deliver a batch, release its lanes, and go on with the next batch while there is
        one (a task per in-flight batch slot, not per batch); while crowded, end instead if
        another batch is on its way to finishing."""
        task = asyncio.current_task()
        try:
            while True:
                await self._run(records, events)
                self._release(lanes)
                lanes = []
                if self._stopping() or (self.crowded and self._active(task)):
                    return
                claim = self._claim(self._may_cut(task))
                if claim is None:
                    return
                lanes, records, events = claim
                if not self.crowded:  # crowded: start() would start none beside this one
                    self.start()  # released lanes may hold more than this task takes
        except asyncio.CancelledError:
            pass
        except Exception as error:  # the consumer logs it and starts again from its checkpoint
            self.failure = error
        finally:
            self._release(lanes)
            if task is not None:
                self.tasks.discard(task)
            if self.failure is not None or not self.tasks:
                self.changed.set()  # the consumer raises, or may find the shard finished

    async def stalled(self, waiting: Awaitable[None]) -> None:
        """The calling batch waits to be retried: meanwhile batches of the other lanes go
        even with fewer than BatchSize records (its own lanes stay claimed)."""
        task = asyncio.current_task()
        assert task is not None
        self._stalled.add(task)
        try:
            self.start()
            await waiting
        finally:
            self._stalled.discard(task)

    def _release(self, lanes: list[int]) -> None:
        if self._whole is not None and self._whole[0] is lanes:
            self._whole = None
        for lane in lanes:
            self.claimed[lane] = False

    def cancel(self, keep: set[asyncio.Task[Any]]) -> None:
        for task in self.tasks:
            if task not in keep:
                task.cancel()

    async def close(self) -> None:
        """Cancel every batch and wait for it; the queues are dropped (read again later)."""
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.pending.clear()
        self._ordered.clear()
        for queue in self.queues:
            queue.clear()
        self.sizes = [0] * self.count
        self._queued = 0
        self._stalled.clear()
        self._whole = None
        self.claimed = [False] * self.count
        self.failure = None
        self.crowded = False
