"""The clock's sleeps: an advance wakes a sleeper whose deadline it passes, also one that
lands before the sleeper's task first runs."""

from __future__ import annotations

import asyncio

from headwater.core.clock import Clock


def test_an_advance_before_the_sleeper_runs_still_counts() -> None:
    """sleep_unless takes its deadline when called: an advance handled in the same loop
    iteration, before the sleeper task's first step, passes that deadline (it used to be
    taken by the task, after the advance, so the sleep lasted its whole length again)."""
    clock = Clock()

    async def scenario() -> bool:
        stop = asyncio.Event()
        sleeping = asyncio.ensure_future(clock.sleep_unless(60, stop))
        await asyncio.sleep(0)  # sleeping's first step has run; its sleeper task has not
        clock.advance(3600)
        return await asyncio.wait_for(sleeping, 5)

    assert asyncio.run(scenario()) is False


def test_sleep_unless_returns_true_when_stopped() -> None:
    clock = Clock()

    async def scenario() -> bool:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_soon(stop.set)
        return await asyncio.wait_for(clock.sleep_unless(60, stop), 5)

    assert asyncio.run(scenario()) is True


def test_an_advance_short_of_the_deadline_keeps_sleeping() -> None:
    clock = Clock()

    async def scenario() -> bool:
        sleeper = asyncio.ensure_future(clock.sleep(100))
        await asyncio.sleep(0.01)
        clock.advance(50)
        await asyncio.sleep(0.05)
        still = not sleeper.done()
        clock.advance(60)
        await asyncio.wait_for(sleeper, 5)
        return still

    assert asyncio.run(scenario()) is True
