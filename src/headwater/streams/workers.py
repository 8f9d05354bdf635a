"""The loop every clock-driven background worker shares (rollover, retention, TTL): do one
pass, wait through the clock so `POST /_headwater/clock` wakes it, log and back off on failure,
stop promptly when asked (STYLE.md, background work)."""

from __future__ import annotations

import asyncio
import logging

from headwater.core.clock import Clock

log = logging.getLogger("headwater.workers")
MAX_BACKOFF = 60.0


class PeriodicWorker:
    """Subclasses implement `tick()`, returning the clock seconds until the next pass."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._stop = asyncio.Event()
        self.failures = 0

    def tick(self) -> float:
        raise NotImplementedError

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.tick()
                self.failures = 0
            except Exception:
                self.failures += 1
                delay = min(MAX_BACKOFF, 0.5 * 2 ** min(self.failures, 8))
                log.exception("%s pass failed (%d in a row); retrying in %.1fs",
                              type(self).__name__, self.failures, delay)
            if delay <= 0:
                await asyncio.sleep(0)  # more work queued: let requests in, then go on
                continue
            if await self.clock.sleep_unless(delay, self._stop):
                return

    async def stop(self) -> None:
        self._stop.set()
