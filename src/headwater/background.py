"""Background work owned by the server lifespan: each worker is an object with `async run()`
and `async stop()`, started together and stopped in reverse order with a deadline."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger("headwater.background")
STOP_DEADLINE = 5.0


class Worker(Protocol):
    async def run(self) -> None: ...

    async def stop(self) -> None: ...


class BackgroundWork:
    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for worker in self.workers:
            task = asyncio.create_task(self._guarded(worker), name=type(worker).__name__)
            self.tasks.append(task)

    async def stop(self) -> None:
        for worker, task in reversed(list(zip(self.workers, self.tasks, strict=True))):
            try:
                await asyncio.wait_for(worker.stop(), STOP_DEADLINE)
                await asyncio.wait_for(asyncio.shield(task), STOP_DEADLINE)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("stopping %s failed", type(worker).__name__)

    @staticmethod
    async def _guarded(worker: Worker) -> None:
        try:
            await worker.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background worker %s died", type(worker).__name__)
