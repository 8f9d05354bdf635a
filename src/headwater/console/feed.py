"""The console's server-sent event feed: every event the bus carries for the signed-in account
(stream records, trigger batch steps, invocations, log lines, clock moves), as it happens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson

from headwater.core.events import EventBus

# A comment line this often keeps proxies from closing the stream and finds gone clients.
HEARTBEAT_SECONDS = 15.0


async def feed(bus: EventBus, account: str) -> AsyncIterator[bytes]:
    queue = bus.subscribe()
    try:
        yield b"retry: 2000\n: connected\n\n"
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b": heartbeat\n\n"
                continue
            if event.get("account", account) != account:
                continue
            yield b"event: %s\ndata: %s\n\n" % (str(event["kind"]).encode(),
                                                  orjson.dumps(event))
    finally:
        bus.unsubscribe(queue)
