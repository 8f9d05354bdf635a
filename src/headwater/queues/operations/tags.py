"""TagQueue, UntagQueue and ListQueueTags (at most 50 tags a queue)."""

from __future__ import annotations

from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import InvalidParameterValue

MAX_TAGS = 50


def check_tags(name: str, tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise InvalidParameterValue(f"Too many tags added for queue {name}.")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise InvalidParameterValue(f"Tag key or value is invalid for queue {name}.")
    return tags


def tag_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagQueue: adds or overwrites tags."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    with ctx.runtime.storage.transaction() as conn:
        tags = {**store.get_tags(conn, queue.id), **request["Tags"]}
        store.set_tags(conn, queue.id, check_tags(queue.name, tags))
    return {}


def untag_queue(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagQueue: removing a key that is not there is not an error."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    with ctx.runtime.storage.transaction() as conn:
        tags = store.get_tags(conn, queue.id)
        for key in request["TagKeys"]:
            tags.pop(key, None)
        store.set_tags(conn, queue.id, tags)
    return {}


def list_queue_tags(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListQueueTags."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    tags = store.get_tags(ctx.runtime.storage.conn, queue.id)
    return {"Tags": tags} if tags else {}
