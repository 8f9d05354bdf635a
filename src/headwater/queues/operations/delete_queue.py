"""DeleteQueue: deletes the queue and its messages at once."""

from __future__ import annotations

from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext


def delete_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteQueue. Deviation: AWS takes up to 60 s; Headwater deletes immediately."""
    runtime = ctx.runtime
    queue = runtime.queues.from_url(ctx.region, request["QueueUrl"])
    with runtime.storage.transaction() as conn:
        store.delete_queue(conn, queue.id)
    runtime.queues.notify(queue.id)
    return {}
