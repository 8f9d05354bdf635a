"""The clock-driven worker loop: an advance wakes it, stop ends it, a failing pass is retried."""

from __future__ import annotations

import asyncio

from headwater.core.clock import Clock
from headwater.streams.workers import PeriodicWorker


class Counting(PeriodicWorker):
    def __init__(self, clock: Clock, fail_first: bool = False) -> None:
        super().__init__(clock)
        self.passes = 0
        self.fail_first = fail_first

    def tick(self) -> float:
        self.passes += 1
        if self.fail_first and self.passes == 1:
            raise RuntimeError("boom")
        return 3600.0


async def _until(check: object, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.005)


def test_advance_wakes_and_stop_ends() -> None:
    async def scenario() -> None:
        clock = Clock()
        worker = Counting(clock)
        task = asyncio.create_task(worker.run())
        await _until(lambda: worker.passes == 1)
        await asyncio.sleep(0.05)
        assert worker.passes == 1  # waiting an hour of clock time
        clock.advance(3600)
        await _until(lambda: worker.passes == 2)
        await worker.stop()
        await asyncio.wait_for(task, 1)

    asyncio.run(scenario())


def test_failed_pass_is_retried_with_backoff() -> None:
    async def scenario() -> None:
        worker = Counting(Clock(), fail_first=True)
        task = asyncio.create_task(worker.run())
        await _until(lambda: worker.passes == 2)
        assert worker.failures == 0
        await worker.stop()
        await asyncio.wait_for(task, 1)

    asyncio.run(scenario())


def test_clock_offset_is_restored_and_saved() -> None:
    saved: list[float] = []
    clock = Clock()
    clock.persist_with(lambda: 120.0, saved.append)
    assert clock.offset == 120.0
    clock.advance(30)
    assert saved == [150.0]
    later = Clock(offset=500.0)
    later.persist_with(lambda: 120.0, saved.append)
    assert later.offset == 500.0  # never moves back
