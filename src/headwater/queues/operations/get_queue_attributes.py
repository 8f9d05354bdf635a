"""GetQueueAttributes: stored attributes plus the computed counts, timestamps and ARN."""

from __future__ import annotations

from typing import Any

from headwater.queues import attributes, store
from headwater.queues.context import RequestContext
from headwater.queues.names import queue_arn


def get_queue_attributes(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetQueueAttributes ('All' or named attributes; unknown names are InvalidAttributeName)."""
    runtime = ctx.runtime
    queue = runtime.queues.from_url(ctx.region, request["QueueUrl"])
    names = attributes.check_names(request.get("AttributeNames") or [])
    if not names:
        return {}
    now = runtime.clock.now()
    visible, in_flight, delayed = store.counts(
        runtime.storage.conn, queue.id, now, now - queue.number("MessageRetentionPeriod"))
    values = {
        **queue.attributes,
        "QueueArn": queue_arn(queue.region, queue.account, queue.name),
        "ApproximateNumberOfMessages": str(visible),
        "ApproximateNumberOfMessagesNotVisible": str(in_flight),
        "ApproximateNumberOfMessagesDelayed": str(delayed),
        "CreatedTimestamp": str(int(queue.created)),
        "LastModifiedTimestamp": str(int(queue.modified)),
    }
    if "All" not in names:
        values = {name: values[name] for name in names if name in values}
    return {"Attributes": values} if values else {}
