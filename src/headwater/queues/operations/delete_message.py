"""DeleteMessage and DeleteMessageBatch, by receipt handle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import ReceiptHandleIsInvalid
from headwater.queues.messages import parse_receipt
from headwater.queues.operations.batches import check_entries, run_entries
from headwater.queues.store import Queue


def delete_message(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteMessage. As on AWS, a stale receipt handle (the message was received again since)
    succeeds without deleting, and an already deleted message is not an error."""
    queues = ctx.runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    with ctx.runtime.storage.transaction() as conn:
        _delete(conn, queue, request["ReceiptHandle"], queues.record)
    return {}


def delete_message_batch(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteMessageBatch."""
    queues = ctx.runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    entries = request["Entries"]
    check_entries(entries)
    with ctx.runtime.storage.transaction() as conn:
        return run_entries(entries, lambda entry: _delete(conn, queue, entry["ReceiptHandle"],
                                                          queues.record))


def _delete(conn: Any, queue: Queue, handle: str, record: Callable[..., None]) -> None:
    queue_id, row_id, token = parse_receipt(handle)
    if queue_id != queue.id:
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        )
    message = store.get_message(conn, queue.id, row_id)
    if message is not None and message.receipt == token:
        store.delete_message(conn, row_id)
        record(queue.account, queue.region, queue.name, "NumberOfMessagesDeleted", 1)
