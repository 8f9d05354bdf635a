"""ChangeMessageVisibility and ChangeMessageVisibilityBatch."""

from __future__ import annotations

from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import (
    InvalidParameterValue,
    MessageNotInflight,
    ReceiptHandleIsInvalid,
)
from headwater.queues.messages import parse_receipt
from headwater.queues.operations.batches import check_entries, run_entries
from headwater.queues.store import Queue

MAX_VISIBILITY = 43200


def change_message_visibility(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ChangeMessageVisibility: the new timeout counts from now."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    with ctx.runtime.storage.transaction() as conn:
        _change(ctx, conn, queue, request["ReceiptHandle"], request["VisibilityTimeout"])
    ctx.runtime.queues.notify(queue.id)
    return {}


def change_message_visibility_batch(ctx: RequestContext, request: dict[str, Any]
                                    ) -> dict[str, Any]:
    """ChangeMessageVisibilityBatch."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    entries = request["Entries"]
    check_entries(entries)
    with ctx.runtime.storage.transaction() as conn:
        response = run_entries(entries, lambda entry: _change(
            ctx, conn, queue, entry["ReceiptHandle"], entry.get("VisibilityTimeout") or 0))
    ctx.runtime.queues.notify(queue.id)
    return response


def _change(ctx: RequestContext, conn: Any, queue: Queue, handle: str, timeout: int) -> None:
    if not 0 <= timeout <= MAX_VISIBILITY:
        raise InvalidParameterValue(
            f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Must be "
            f"between 0 and {MAX_VISIBILITY}, if provided."
        )
    queue_id, row_id, token = parse_receipt(handle)
    if queue_id != queue.id:
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        )
    message = store.get_message(conn, queue.id, row_id)
    if message is None or message.receipt != token:
        raise InvalidParameterValue(
            f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not "
            "exist or is not available for visibility timeout change."
        )
    now = ctx.runtime.clock.now()
    if message.visible_at <= now:
        raise MessageNotInflight("Message is not in flight.")
    store.set_visible_at(conn, row_id, now + timeout)
