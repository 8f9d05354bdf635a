"""EnvironmentPool.take_warm: a quick function's invocations wait for a busy environment
instead of cold-starting one; a slow function's start one at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from headwater.core.clock import Clock
from headwater.functions import pool as pool_module
from headwater.functions.pool import EnvironmentPool

KEY = (1, "$LATEST", "rev")


class FakeEnv:
    def __init__(self, key: Any = KEY) -> None:
        self.key = key
        self.alive = True
        self.retired = False
        self.current: object | None = object()  # busy
        self.last_used = 0.0

    async def close(self) -> None:
        self.alive = False


def _pool(monkeypatch: pytest.MonkeyPatch, spare: bool = False) -> EnvironmentPool:
    pool = EnvironmentPool(Clock())
    monkeypatch.setattr(pool._cpu, "spare", lambda: spare)
    return pool


def test_an_idle_environment_is_taken_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        pool = _pool(monkeypatch)
        env = FakeEnv()
        pool.register(env)  # type: ignore[arg-type]
        pool.give_back(env)  # type: ignore[arg-type]
        assert await pool.take_warm(KEY) is env

    asyncio.run(scenario())


def test_no_environment_means_a_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        assert await _pool(monkeypatch).take_warm(KEY) is None

    asyncio.run(scenario())


def test_a_quick_function_waits_for_a_busy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        pool = _pool(monkeypatch)
        env = FakeEnv()
        pool.register(env)  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.2)  # a cold start takes 0.2 s
        pool.observe_run(KEY, 0.001)  # an invocation 1 ms
        waiting = asyncio.ensure_future(pool.take_warm(KEY))
        await asyncio.sleep(0.01)
        assert not waiting.done()
        pool.give_back(env)  # type: ignore[arg-type]
        assert await waiting is env
        assert pool.idle.get(KEY, []) == []  # handed over, not parked

    asyncio.run(scenario())


def test_a_slow_function_starts_another_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        pool = _pool(monkeypatch)
        pool.register(FakeEnv())  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.05)
        pool.observe_run(KEY, 1.0)  # invocations take longer than a cold start
        assert await pool.take_warm(KEY) is None

    asyncio.run(scenario())


def test_a_spare_core_ends_the_wait_after_one_cold_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "MAX_WAIT", 3600.0)

    async def scenario() -> None:
        pool = _pool(monkeypatch, spare=True)
        pool.register(FakeEnv())  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.03)
        pool.observe_run(KEY, 0.001)
        # One patience (0.03 s), then a cold start: never MAX_WAIT's hour.
        assert await asyncio.wait_for(pool.take_warm(KEY), 60) is None

    asyncio.run(scenario())


def test_without_a_spare_core_the_wait_ends_at_max_wait(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "MAX_WAIT", 0.1)

    async def scenario() -> None:
        pool = _pool(monkeypatch, spare=False)
        pool.register(FakeEnv())  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.02)
        pool.observe_run(KEY, 0.001)
        loop = asyncio.get_running_loop()
        began = loop.time()
        assert await pool.take_warm(KEY) is None  # nothing came back: start one anyway
        assert loop.time() - began >= 0.1

    asyncio.run(scenario())


def test_a_start_in_progress_does_not_hold_callers_past_max_wait(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "MAX_WAIT", 0.1)

    async def scenario() -> None:
        pool = _pool(monkeypatch, spare=False)
        pool.register(FakeEnv())  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.02)
        pool.observe_run(KEY, 0.001)
        pool.start_began(KEY)  # another environment is starting and never gets ready
        assert await asyncio.wait_for(pool.take_warm(KEY), 60) is None

    asyncio.run(scenario())


def test_a_handed_over_environment_reaches_its_waiter_before_the_giver_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the invoker relies on: after give_back says True, one yield lets the waiting
    invocation start (on the worker) before the giver's bookkeeping."""
    async def scenario() -> None:
        pool = _pool(monkeypatch)
        env = FakeEnv()
        pool.register(env)  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.2)
        pool.observe_run(KEY, 0.001)
        order: list[str] = []

        async def waiting() -> None:
            assert await pool.take_warm(KEY) is env
            order.append("waiter runs")

        task = asyncio.ensure_future(waiting())
        await asyncio.sleep(0.01)
        assert pool.give_back(env) is True  # type: ignore[arg-type]
        await asyncio.sleep(0)
        order.append("giver goes on")
        await task
        assert order == ["waiter runs", "giver goes on"]
        assert pool.give_back(env) is False  # type: ignore[arg-type]
        assert pool.idle[KEY] == [env]

    asyncio.run(scenario())


def test_a_waiter_cancelled_after_the_hand_over_gives_the_environment_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        pool = _pool(monkeypatch)
        env = FakeEnv()
        pool.register(env)  # type: ignore[arg-type]
        pool.start_began(KEY)
        pool.start_ended(KEY, 0.2)
        pool.observe_run(KEY, 0.001)
        waiting = asyncio.ensure_future(pool.take_warm(KEY))
        await asyncio.sleep(0.01)
        pool.give_back(env)  # type: ignore[arg-type]
        waiting.cancel()  # before it ran: the environment must not be lost
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert pool.idle[KEY] == [env]
        assert pool._waiting == {}

    asyncio.run(scenario())
