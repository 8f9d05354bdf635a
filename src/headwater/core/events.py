"""An in-process event bus: services publish what happens (a stream record appended, a trigger
batch's outcome, an invocation, a log line) and the live console's subscribers each get their
own bounded asyncio queue. Publishing never blocks: a subscriber that falls behind by more than
its queue holds loses the oldest events."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Any

# Events a subscriber may have waiting before the oldest are dropped.
QUEUE_SIZE = 1000
# Events kept for a page that opens later (its first view of invocations, batches, logs).
RECENT = 500

Event = dict[str, Any]
# What a service is handed to announce an event: publish(kind, fields).
Publish = Callable[[str, Event], None]


def ignore(kind: str, fields: Event) -> None:
    """The publisher of a service built without a bus (unit tests, tools)."""


class EventBus:
    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self.recent: collections.deque[Event] = collections.deque(maxlen=RECENT)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    @property
    def listening(self) -> bool:
        """Whether any page is subscribed: an event only a live page shows (`publish_live`) is
        worth building only then."""
        return bool(self._subscribers)

    def publish(self, kind: str, fields: Event) -> None:
        """An event kept in `recent` for a page that opens later, and sent to subscribers."""
        event = {"kind": kind, **fields}
        self.recent.append(event)
        self._deliver(event)

    def publish_live(self, kind: str, fields: Event) -> None:
        """An event only a page open now shows (a stream record: a page that opens later reads
        the stream itself), so not kept in `recent`, where it would crowd out the rest."""
        self._deliver({"kind": kind, **fields})

    def _deliver(self, event: Event) -> None:
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()  # the oldest goes
            queue.put_nowait(event)

    def subscribe(self) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        self._subscribers.discard(queue)
