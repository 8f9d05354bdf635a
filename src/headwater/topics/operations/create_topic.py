"""CreateTopic: idempotent by name."""

from __future__ import annotations

from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import invalid
from headwater.topics.names import check_name, topic_arn
from headwater.topics.operations.tags import as_dict, check_count
from headwater.topics.operations.topic_attributes import check_attributes


def create_topic(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateTopic. Deviation: FIFO topics are rejected."""
    name = request["Name"]
    if name.endswith(".fifo"):
        raise invalid("Headwater does not support FIFO topics")
    check_name(name)
    attributes = check_attributes(dict(request.get("Attributes") or {}))
    arn = topic_arn(ctx.region, ctx.account, name)
    tags = check_count(as_dict(request.get("Tags")))
    with ctx.runtime.storage.transaction() as conn:
        existing = store.get_topic(conn, arn)
        if existing is None:
            topic = store.insert_topic(conn, ctx.account, ctx.region, name, arn, attributes)
            store.set_tags(conn, topic.id, tags)
        elif tags and tags != store.get_tags(conn, existing.id):
            raise invalid("Tags Reason: Topic already exists with different tags")
    return {"TopicArn": arn}
