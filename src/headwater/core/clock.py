"""The clock every component reads: wall time plus an offset that only moves forward.

`POST /_headwater/clock {"advance": s}` moves the offset, so TTL, retention, iterator expiry,
shard rollover and record age can be exercised in milliseconds (DESIGN.md principle 3).
Once bound to storage (`persist_with`), the offset survives restarts, so stored times (stream
records, iterators, TTL) never appear to move backwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Clock:
    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._waiters: set[asyncio.Event] = set()
        self._save: Callable[[float], None] | None = None

    def persist_with(self, load: Callable[[], float | None],
                     save: Callable[[float], None]) -> None:
        """Restore the stored offset (never moving back) and save it on every advance."""
        stored = load()
        if stored is not None and stored > self._offset:
            self._offset = stored
        self._save = save

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        """Current clock time in epoch seconds."""
        return time.time() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock never moves back")
        self._offset += seconds
        if self._save is not None:
            self._save(self._offset)
        for event in self._waiters:
            event.set()
        return self.now()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of clock time; an advance wakes the sleeper early when it passes.
        The time is read when the coroutine first runs: in a task of its own, use
        `sleep_until(now() + seconds)`, so an advance before that first step counts."""
        await self.sleep_until(self.now() + seconds)

    async def sleep_until(self, deadline: float) -> None:
        event = asyncio.Event()
        self._waiters.add(event)
        try:
            while (remaining := deadline - self.now()) > 0:
                event.clear()
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    pass
        finally:
            self._waiters.discard(event)

    async def sleep_unless(self, seconds: float, stop: asyncio.Event) -> bool:
        """Sleep `seconds` of clock time unless `stop` is set first; True when stopped."""
        if stop.is_set():
            return True
        # The deadline is taken now, not when the sleeper task first runs: an advance that
        # lands in between (a clock request handled in the same loop iteration) must count.
        sleeper = asyncio.ensure_future(self.sleep_until(self.now() + seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()
        return stop.is_set()
