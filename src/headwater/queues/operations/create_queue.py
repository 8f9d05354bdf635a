"""CreateQueue: idempotent for the same attributes; QueueNameExists for different ones."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.queues import attributes, store
from headwater.queues.errors import QueueNameExists, UnsupportedOperation
from headwater.queues.names import check_name, queue_url
from headwater.queues.operations.tags import check_tags


def create_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateQueue. Deviations: FIFO queues are rejected with UnsupportedOperation; tags are
    applied only when the queue is new."""
    name = request["QueueName"]
    check_name(name)
    wanted = attributes.check(request.get("Attributes") or {}, creating=True)
    tags = check_tags(name, request.get("tags") or {})
    if name.endswith(".fifo"):
        raise UnsupportedOperation("Headwater does not support FIFO queues.")
    runtime = ctx.runtime
    with runtime.storage.transaction() as conn:
        existing = store.get_queue(conn, ctx.account, ctx.region, name)
        if existing is not None:
            current = {**attributes.DEFAULTS, **existing.attributes}
            for key, value in wanted.items():
                if current.get(key) != value:
                    raise QueueNameExists(
                        "A queue already exists with the same name and a different value for "
                        f"attribute {key}"
                    )
        else:
            merged = {**attributes.DEFAULTS, **wanted}
            queue = store.insert_queue(conn, ctx.account, ctx.region, name, merged,
                                       runtime.clock.now())
            if tags:
                store.set_tags(conn, queue.id, tags)
    return {"QueueUrl": queue_url(ctx.host, ctx.account, name)}
