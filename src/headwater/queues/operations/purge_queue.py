"""PurgeQueue: at most one purge per queue every 60 seconds of clock time."""

from __future__ import annotations

from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import PurgeQueueInProgress

PURGE_INTERVAL = 60.0


def purge_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PurgeQueue: deletes every message now (AWS may take up to 60 s)."""
    runtime = ctx.runtime
    queue = runtime.queues.from_url(ctx.region, request["QueueUrl"])
    now = runtime.clock.now()
    if queue.purged is not None and now - queue.purged < PURGE_INTERVAL:
        raise PurgeQueueInProgress(
            f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds."
        )
    with runtime.storage.transaction() as conn:
        store.purge(conn, queue.id, now)
    return {}
