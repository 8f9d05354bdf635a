"""DeleteTopic: deleting a topic that does not exist is not an error (SNS API reference)."""

from __future__ import annotations

from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.names import parse_topic_arn


def delete_topic(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteTopic, with its subscriptions."""
    parse_topic_arn(request["TopicArn"])
    with ctx.runtime.storage.transaction() as conn:
        topic = store.get_topic(conn, request["TopicArn"])
        if topic is not None:
            store.delete_topic(conn, topic.id)
    return {}
