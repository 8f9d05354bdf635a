"""core/events.py: each subscriber gets every event published after it subscribed, a slow one
loses its oldest events rather than blocking publishers, and recent events are kept for a page
that opens later."""

from __future__ import annotations

import asyncio

from headwater.core import events
from headwater.core.events import EventBus


def test_subscribers_each_get_every_event_in_order() -> None:
    async def scenario() -> tuple[list[dict[str, object]], list[dict[str, object]], int]:
        bus = EventBus()
        first, second = bus.subscribe(), bus.subscribe()
        bus.publish("record", {"n": 1})
        bus.publish("log", {"n": 2})
        bus.unsubscribe(second)
        bus.publish("record", {"n": 3})
        got = [first.get_nowait() for _ in range(first.qsize())]
        other = [second.get_nowait() for _ in range(second.qsize())]
        return got, other, bus.subscribers

    got, other, left = asyncio.run(scenario())
    assert got == [{"kind": "record", "n": 1}, {"kind": "log", "n": 2},
                   {"kind": "record", "n": 3}]
    assert other == [{"kind": "record", "n": 1}, {"kind": "log", "n": 2}]
    assert left == 1


def test_a_full_subscriber_loses_its_oldest_events() -> None:
    async def scenario() -> list[int]:
        bus = EventBus()
        queue = bus.subscribe()
        for n in range(events.QUEUE_SIZE + 5):
            bus.publish("record", {"n": n})
        return [queue.get_nowait()["n"] for _ in range(queue.qsize())]

    got = asyncio.run(scenario())
    assert got == list(range(5, events.QUEUE_SIZE + 5))


def test_recent_events_are_kept_without_subscribers() -> None:
    bus = EventBus()
    for n in range(events.RECENT + 3):
        bus.publish("invocation", {"n": n})
    assert len(bus.recent) == events.RECENT
    assert bus.recent[0] == {"kind": "invocation", "n": 3}


def test_live_events_reach_subscribers_but_are_not_kept() -> None:
    bus = EventBus()

    async def scenario() -> tuple[bool, bool, list[dict[str, object]]]:
        idle = bus.listening
        queue = bus.subscribe()
        bus.publish_live("record", {"n": 1})
        bus.publish("log", {"n": 2})
        return idle, bus.listening, [queue.get_nowait() for _ in range(queue.qsize())]

    idle, listening, got = asyncio.run(scenario())
    assert (idle, listening) == (False, True)
    assert got == [{"kind": "record", "n": 1}, {"kind": "log", "n": 2}]
    assert list(bus.recent) == [{"kind": "log", "n": 2}]


def test_live_events_do_not_crowd_out_recent_ones() -> None:
    bus = EventBus()
    bus.publish("invocation", {"n": 0})
    for n in range(events.RECENT + 1):
        bus.publish_live("record", {"n": n})
    assert list(bus.recent) == [{"kind": "invocation", "n": 0}]
