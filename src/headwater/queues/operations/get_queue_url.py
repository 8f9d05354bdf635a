"""GetQueueUrl."""

from __future__ import annotations

from typing import Any

from headwater.queues.context import RequestContext
from headwater.queues.names import queue_url


def get_queue_url(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetQueueUrl, optionally for another account's queue (refused under --credentials:
    queues/access.py)."""
    account = request.get("QueueOwnerAWSAccountId") or ctx.account
    queue = ctx.runtime.queues.get(account, ctx.region, request["QueueName"])
    return {"QueueUrl": queue_url(ctx.url_host, queue.account, queue.name)}
