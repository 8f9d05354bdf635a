"""CreateQueue: idempotent for the same attributes; QueueNameExists for different ones."""

from __future__ import annotations

from typing import Any

from headwater.queues import attributes, store
from headwater.queues.context import RequestContext
from headwater.queues.errors import InvalidParameterValue, QueueNameExists
from headwater.queues.names import check_name, queue_url
from headwater.queues.operations.tags import check_tags


def create_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateQueue, standard or FIFO. Deviation: tags apply only when the queue is new."""
    name = request["QueueName"]
    given = request.get("Attributes") or {}
    fifo = attributes.is_fifo(given)
    check_name(name)
    if fifo != name.endswith(".fifo"):
        raise InvalidParameterValue(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
            "underscores, must end with .fifo suffix and be 1 to 80 in length."
        )
    wanted = attributes.check(given, creating=True, fifo=fifo)
    ctx.runtime.queues.check_redrive(wanted.get("RedrivePolicy"), fifo)
    if not fifo:
        wanted.pop("FifoQueue", None)
    tags = check_tags(name, request.get("tags") or {})
    defaults = {**attributes.DEFAULTS, **(attributes.FIFO_DEFAULTS if fifo else {})}
    runtime = ctx.runtime
    with runtime.storage.transaction() as conn:
        existing = store.get_queue(conn, ctx.account, ctx.region, name)
        if existing is not None:
            current = {**defaults, **existing.attributes}
            for key, value in wanted.items():
                if current.get(key) != value:
                    raise QueueNameExists(
                        "A queue already exists with the same name and a different value for "
                        f"attribute {key}"
                    )
        else:
            queue = store.insert_queue(conn, ctx.account, ctx.region, name,
                                       {**defaults, **wanted}, runtime.clock.now())
            if tags:
                store.set_tags(conn, queue.id, tags)
    return {"QueueUrl": queue_url(ctx.url_host, ctx.account, name)}
