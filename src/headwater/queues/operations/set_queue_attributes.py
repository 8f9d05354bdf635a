"""SetQueueAttributes."""

from __future__ import annotations

from typing import Any

from headwater.queues import attributes, store
from headwater.queues.context import RequestContext


def set_queue_attributes(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """SetQueueAttributes; an empty value removes Policy, RedrivePolicy and the like."""
    runtime = ctx.runtime
    queue = runtime.queues.from_url(ctx.region, request["QueueUrl"])
    changes = attributes.check(request.get("Attributes") or {}, creating=False,
                               fifo=queue.fifo)
    runtime.queues.check_redrive(changes.get("RedrivePolicy"), queue.fifo)
    merged = dict(queue.attributes)
    for name, value in changes.items():
        if value == "" and name in attributes.FREE_FORM:
            merged.pop(name, None)
        else:
            merged[name] = value
    with runtime.storage.transaction() as conn:
        store.update_attributes(conn, queue.id, merged, runtime.clock.now())
    runtime.queues.notify(queue.id)
    return {}
