"""Background work owned by the server lifespan (DESIGN.md, Layers; STYLE.md, Background work).

Each worker is an object with `async run()` and `async stop()`. The lifespan starts them in
order, each under a supervisor that restarts it when `run()` raises (or returns without being
asked to stop), after an exponential back-off capped at MAX_BACKOFF, logging why with the
traceback and counting the restart at /metrics (`headwater_background_restarts_total`). A worker
that then runs for RESET_AFTER seconds starts its back-off afresh. `stop()` stops the workers in
reverse order, each within a deadline, after which its task is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter

log = logging.getLogger("headwater.background")
STOP_DEADLINE = 5.0
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 60.0
RESET_AFTER = 60.0  # seconds of healthy running after which a failure counts as the first


class Worker(Protocol):
    async def run(self) -> None: ...

    async def stop(self) -> None: ...


def backoff(failures: int) -> float:
    """Seconds to wait before restarting a worker that failed `failures` times in a row."""
    return float(min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** min(failures - 1, 16)))


class BackgroundWork:
    """`sleep` and `monotonic` are injectable so tests need not wait on the wall clock."""

    def __init__(self, workers: list[Worker], *,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 stop_deadline: float = STOP_DEADLINE) -> None:
        self.workers = workers
        self.tasks: list[asyncio.Task[None]] = []
        self.registry = CollectorRegistry()
        self.restarts = Counter("headwater_background_restarts",
                                "Background workers restarted after a failure", ["worker"],
                                registry=self.registry)
        self._sleep = sleep
        self._monotonic = monotonic
        self._stop_deadline = stop_deadline
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Start every worker under its supervisor; call on the running event loop."""
        for worker in self.workers:
            task = asyncio.create_task(self._supervise(worker), name=_name(worker))
            self.tasks.append(task)

    async def stop(self) -> None:
        """Stop the workers in reverse order of starting, each within the deadline."""
        self._stopping.set()
        for worker, task in reversed(list(zip(self.workers, self.tasks, strict=True))):
            try:
                await asyncio.wait_for(worker.stop(), self._stop_deadline)
                await asyncio.wait_for(asyncio.shield(task), self._stop_deadline)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("background worker %s did not stop within %.1f s; cancelled",
                            _name(worker), self._stop_deadline)
                task.cancel()
                await asyncio.wait([task], timeout=self._stop_deadline)
            except Exception:
                log.exception("stopping background worker %s failed", _name(worker))
                task.cancel()

    async def _supervise(self, worker: Worker) -> None:
        name = _name(worker)
        failures = 0
        while not self._stopping.is_set():
            started = self._monotonic()
            failure: Exception | None = None
            try:
                await worker.run()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failure = error
            why = ("returned without being stopped" if failure is None
                   else f"raised {type(failure).__name__}: {failure}")
            if self._stopping.is_set():
                return
            if self._monotonic() - started >= RESET_AFTER:
                failures = 0
            failures += 1
            delay = backoff(failures)
            log.error("background worker %s %s (%d in a row); restarting in %.1f s", name, why,
                      failures, delay, exc_info=failure)
            self.restarts.labels(name).inc()
            if await self._wait_or_stop(delay):
                return

    async def _wait_or_stop(self, delay: float) -> bool:
        """Wait `delay` seconds; True when the lifespan began stopping meanwhile."""
        sleeper = asyncio.ensure_future(self._sleep(delay))
        stopper = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait([sleeper, stopper], return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
        return self._stopping.is_set()


def _name(worker: Worker) -> str:
    return type(worker).__name__
