"""SendMessageBatch: entries checked one by one; good ones commit together."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.queues.errors import BatchRequestTooLong, SqsError
from headwater.queues.messages import message_size
from headwater.queues.operations.batches import check_entries, failure
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
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    with ctx.runtime.storage.transaction() as conn:
        for entry in entries:
            try:
                checked = check_entry(queue, entry)
            except SqsError as error:
                failed.append(failure(entry["Id"], error))
                continue
            sent = queues.enqueue(conn, queue, checked.body, checked.attributes, checked.delay,
                                  ctx.account, trace=checked.trace, group=checked.group,
                                  dedup=checked.dedup)
            successful.append({"Id": entry["Id"], **result(sent, checked)})
    return {"Successful": successful, "Failed": failed}

