"""server.py's lifespan, in process: every background worker runs under the supervisor, and a
worker that dies is restarted and counted at GET /metrics."""

from __future__ import annotations

import asyncio

from headwater.http.server import Request
from headwater.runtime import Runtime
from headwater.server import HeadwaterApp
from headwater.settings import Settings


def test_a_dead_event_queue_is_restarted_and_counted_at_metrics() -> None:
    async def scenario() -> bytes:
        runtime = Runtime(Settings())
        app = HeadwaterApp(runtime)
        events = runtime.functions.events
        original, runs = events.run, 0
        restarted = asyncio.Event()

        async def dies_once() -> None:
            nonlocal runs
            runs += 1
            if runs == 1:
                raise RuntimeError("the event queue lost its footing")
            restarted.set()
            await original()

        async def no_wait(seconds: float) -> None:
            return None

        events.run = dies_once  # type: ignore[method-assign]
        app.background._sleep = no_wait
        app.start()
        try:
            await asyncio.wait_for(restarted.wait(), 5)
            answer = app.handle(Request("GET", "/metrics", "", {}, b"", ("127.0.0.1", 4566)))
            assert isinstance(answer, tuple)
            status, _, body = answer
            assert status == 200
            assert all(not task.done() for task in app.background.tasks)
            return body
        finally:
            await app.stop()

    body = asyncio.run(scenario())
    assert b'headwater_background_restarts_total{worker="EventQueue"} 1.0' in body
    assert b'headwater_background_restarts_total{worker="TriggerManager"}' not in body
