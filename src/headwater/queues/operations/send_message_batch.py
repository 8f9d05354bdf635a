"""SendMessageBatch: entries checked one by one; good ones commit together."""

from __future__ import annotations

from typing import Any

from headwater.queues.context import RequestContext
from headwater.queues.errors import BatchRequestTooLong
from headwater.queues.messages import message_size
from headwater.queues.operations.batches import check_entries, run_entries
from headwater.queues.operations.send_message import check_entry, result


def send_message_batch(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """SendMessageBatch."""
    queues = ctx.runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    entries = request["Entries"]
    check_entries(entries)
    limit = queue.number("MaximumMessageSize")
    total = sum(message_size(entry.get("MessageBody") or "", entry.get("MessageAttributes"))
                for entry in entries)
    if total > limit:
        raise BatchRequestTooLong(
            f"Batch requests cannot be longer than {limit} bytes. You have sent {total} bytes."
        )
    with ctx.runtime.storage.transaction() as conn:

        def send(entry: dict[str, Any]) -> dict[str, Any]:
            checked = check_entry(queue, entry)
            sent = queues.enqueue(conn, queue, checked.body, checked.attributes, checked.delay,
                                  ctx.account, trace=checked.trace, group=checked.group,
                                  dedup=checked.dedup)
            return result(sent, checked)

        return run_entries(entries, send)

