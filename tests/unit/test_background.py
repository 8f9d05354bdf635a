"""background.py: the lifespan's supervisor restarts a worker that dies (with capped exponential
back-off, logged with its traceback and counted for /metrics) and stops workers in reverse
order within a deadline. Back-off waits go through an injected sleep: nothing waits on the wall
clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.background import MAX_BACKOFF, RESET_AFTER, BackgroundWork, Worker, backoff

Script = Callable[[int], None]


class Scripted:
    """A worker whose n-th run (from 1) first calls `script(n)`, which may raise; a run that
    gets past it waits until stopped, or returns at once when `finish` is set."""

    def __init__(self, script: Script | None = None, finish: bool = False,
                 log: list[str] | None = None) -> None:
        self.script = script or (lambda n: None)
        self.finish = finish
        self.runs = 0
        self.running = asyncio.Event()
        self.stopped = asyncio.Event()
        self.log = log if log is not None else []

    async def run(self) -> None:
        self.runs += 1
        self.script(self.runs)
        if self.finish:
            return
        self.running.set()
        await self.stopped.wait()

    async def stop(self) -> None:
        self.log.append(f"stop {type(self).__name__}")
        self.stopped.set()


class First(Scripted):
    pass


class Second(Scripted):
    pass


class Sleeps:
    """An injected sleep: records each back-off and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def fail_first(times: int) -> Script:
    def script(n: int) -> None:
        if n <= times:
            raise RuntimeError(f"boom {n}")
    return script


def restarts(work: BackgroundWork, name: str) -> float | None:
    return work.registry.get_sample_value("headwater_background_restarts_total",
                                          {"worker": name})


async def started(work: BackgroundWork, worker: Scripted) -> None:
    work.start()
    await asyncio.wait_for(worker.running.wait(), 5)


def test_backoff_doubles_from_half_a_second_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff(8) == backoff(100) == MAX_BACKOFF


def test_a_worker_that_raises_is_restarted_with_backoff_logged_and_counted(
        caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        worker, sleeps = Scripted(fail_first(3)), Sleeps()
        work = BackgroundWork([worker], sleep=sleeps)
        with caplog.at_level(logging.ERROR, logger="headwater.background"):
            await started(work, worker)
        assert worker.runs == 4
        assert sleeps.delays == [0.5, 1.0, 2.0]
        assert restarts(work, "Scripted") == 3.0
        failures = [r for r in caplog.records if r.name == "headwater.background"]
        assert [r.getMessage() for r in failures] == [
            f"background worker Scripted raised RuntimeError: boom {n} ({n} in a row); "
            f"restarting in {delay:.1f} s" for n, delay in ((1, 0.5), (2, 1.0), (3, 2.0))]
        assert all(r.exc_info is not None and r.exc_info[0] is RuntimeError for r in failures)
        await work.stop()
        assert work.tasks[0].done() and worker.runs == 4

    asyncio.run(scenario())


def test_a_worker_that_returns_unasked_is_restarted() -> None:
    async def scenario() -> None:
        calls = 0

        def script(n: int) -> None:
            nonlocal calls
            calls = n
            worker.finish = n < 2  # the first run returns, the second keeps running

        worker, sleeps = Scripted(script), Sleeps()
        work = BackgroundWork([worker], sleep=sleeps)
        await started(work, worker)
        assert (calls, sleeps.delays, restarts(work, "Scripted")) == (2, [0.5], 1.0)
        await work.stop()

    asyncio.run(scenario())


def test_backoff_starts_afresh_after_a_healthy_run() -> None:
    async def scenario() -> None:
        now = 0.0

        def script(n: int) -> None:
            nonlocal now
            if n == 3:
                now += RESET_AFTER  # the third run lasts a minute before it fails
            if n <= 3:
                raise RuntimeError("boom")

        worker, sleeps = Scripted(script), Sleeps()
        work = BackgroundWork([worker], sleep=sleeps, monotonic=lambda: now)
        await started(work, worker)
        assert sleeps.delays == [0.5, 1.0, 0.5]
        await work.stop()

    asyncio.run(scenario())


def test_stopping_ends_a_backoff_wait_and_restarts_nothing() -> None:
    async def scenario() -> None:
        waiting = asyncio.Event()

        async def forever(seconds: float) -> None:
            waiting.set()
            await asyncio.Event().wait()

        worker = Scripted(fail_first(1))
        work = BackgroundWork([worker], sleep=forever)
        work.start()
        await asyncio.wait_for(waiting.wait(), 5)
        await asyncio.wait_for(work.stop(), 5)
        assert work.tasks[0].done() and worker.runs == 1

    asyncio.run(scenario())


def test_workers_stop_in_reverse_order() -> None:
    async def scenario() -> None:
        log: list[str] = []
        first, second = First(log=log), Second(log=log)
        work = BackgroundWork([first, second], sleep=Sleeps())
        work.start()
        await asyncio.wait_for(asyncio.gather(first.running.wait(), second.running.wait()), 5)
        await work.stop()
        assert log == ["stop Second", "stop First"]
        assert all(task.done() for task in work.tasks)

    asyncio.run(scenario())


def test_a_worker_that_will_not_stop_is_cancelled_at_the_deadline(
        caplog: pytest.LogCaptureFixture) -> None:
    class Stubborn(Scripted):
        async def stop(self) -> None:
            await asyncio.Event().wait()

    async def scenario() -> None:
        stubborn, polite = Stubborn(), Scripted()
        work = BackgroundWork([polite, stubborn], sleep=Sleeps(), stop_deadline=0.1)
        work.start()
        await asyncio.wait_for(asyncio.gather(polite.running.wait(), stubborn.running.wait()),
                               5)
        with caplog.at_level(logging.WARNING, logger="headwater.background"):
            await asyncio.wait_for(work.stop(), 5)
        assert work.tasks[1].cancelled() and polite.stopped.is_set()
        assert "background worker Stubborn did not stop within 0.1 s; cancelled" in caplog.text

    asyncio.run(scenario())


def test_every_background_activity_runs_under_the_lifespan(tmp_path: Path) -> None:
    from headwater.cloudformation.stacks import StackWorker
    from headwater.cloudwatch.alarms.evaluator import AlarmEvaluator
    from headwater.cloudwatch.queue_metrics import QueueSampler
    from headwater.cloudwatch.store import MetricFlusher
    from headwater.core.checkpoints import Checkpointer
    from headwater.dynamodb.provisioned_metrics import ProvisionedSampler
    from headwater.dynamodb.ttl import TtlSweeper
    from headwater.functions.event_queue import EventQueue
    from headwater.functions.pool import EnvironmentPool
    from headwater.replication.tombstones import TombstoneSweeper
    from headwater.replication.worker import Replicator
    from headwater.runtime import Runtime
    from headwater.settings import Settings
    from headwater.streams.retention import RetentionWorker
    from headwater.streams.rollover import RolloverWorker
    from headwater.triggers.manager import TriggerManager

    runtime = Runtime(Settings(data_dir=tmp_path))
    try:
        workers: list[Worker] = runtime.workers()
        assert [type(w) for w in workers] == [
            Checkpointer, RolloverWorker, RetentionWorker, TtlSweeper, EnvironmentPool,
            EventQueue, TriggerManager, Replicator, TombstoneSweeper, AlarmEvaluator,
            QueueSampler, ProvisionedSampler, StackWorker, MetricFlusher]
        assert workers[0] is runtime.storage.checkpointer
        assert workers[4:8] == [runtime.functions.pool, runtime.functions.events,
                                runtime.triggers, runtime.replicator]
    finally:
        runtime.close()
