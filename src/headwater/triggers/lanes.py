"""ParallelizationFactor (aws-facts §4.1): records of one shard routed to up to 10 lanes by
partition key, so each key's changes stay in order while different keys run concurrently; and
the shard's progress, which never passes a record whose lane has not finished with it."""

from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

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


class Lanes:
    """Up to N lanes of one shard, each a task draining its queue one batch at a time, so a
    lane's records (one partition key's changes among them) are delivered in order while the
    other lanes go on; a failing or retrying batch blocks only its own lane."""

    def __init__(self, count: int, batch_size: int, run: Runner,
                 stopping: Callable[[], bool]) -> None:
        self.queues: list[deque[tuple[SourceRecord, bytes]]] = [deque() for _ in range(count)]
        self.tasks: list[asyncio.Task[None] | None] = [None] * count
        self.batch_size = batch_size
        self.changed = asyncio.Event()  # a lane finished a batch or ended
        self.failure: BaseException | None = None
        self._run = run
        self._stopping = stopping

    def queued(self) -> int:
        return sum(len(queue) for queue in self.queues)

    def busy(self) -> bool:
        return any(task is not None for task in self.tasks)

    def add(self, lane: int, record: SourceRecord, event: bytes) -> None:
        self.queues[lane].append((record, event))

    def start(self) -> None:
        for lane, queue in enumerate(self.queues):
            if queue and self.tasks[lane] is None:
                self.tasks[lane] = asyncio.create_task(self._drain(lane))

    async def _drain(self, lane: int) -> None:
        queue = self.queues[lane]
        try:
            while queue and not self._stopping():
                taken = [queue.popleft() for _ in range(min(self.batch_size, len(queue)))]
                await self._run([r for r, _ in taken], [e for _, e in taken])
                self.changed.set()
        except asyncio.CancelledError:
            pass
        except Exception as error:  # the consumer logs it and starts again from its checkpoint
            self.failure = error
        finally:
            self.tasks[lane] = None
            self.changed.set()

    def cancel(self, keep: set[asyncio.Task[Any]]) -> None:
        for task in self.tasks:
            if task is not None and task not in keep:
                task.cancel()

    async def close(self) -> None:
        """Cancel every lane and wait for it; the queues are dropped (read again later)."""
        tasks = [task for task in self.tasks if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for queue in self.queues:
            queue.clear()
        self.failure = None
