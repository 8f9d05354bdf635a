"""CreateTopic: idempotent by name."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.topics import store
from headwater.topics.errors import invalid
from headwater.topics.names import check_name, topic_arn
from headwater.topics.operations.topic_attributes import check_attributes


def create_topic(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateTopic. Deviation: FIFO topics are rejected; tags are accepted and not stored."""
    name = request["Name"]
    if name.endswith(".fifo"):
        raise invalid("Headwater does not support FIFO topics")
    check_name(name)
    attributes = check_attributes(dict(request.get("Attributes") or {}))
    arn = topic_arn(ctx.region, ctx.account, name)
    with ctx.runtime.storage.transaction() as conn:
        if store.get_topic(conn, arn) is None:
            store.insert_topic(conn, ctx.account, ctx.region, name, arn, attributes)
    return {"TopicArn": arn}
