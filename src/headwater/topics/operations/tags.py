"""TagResource, UntagResource and ListTagsForResource for topics (at most 50 tags a topic)."""

from __future__ import annotations

from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import ResourceNotFound, TagLimitExceeded
from headwater.topics.names import TOPIC_ARN
from headwater.topics.store import Topic

MAX_TAGS = 50


def as_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or []}


def check_count(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise TagLimitExceeded("Could not complete request: tag quota of per resource exceeded")
    return tags


def _topic(ctx: RequestContext, arn: str) -> Topic:
    topic = store.get_topic(ctx.runtime.storage.conn, arn) if TOPIC_ARN.fullmatch(arn) else None
    if topic is None:
        raise ResourceNotFound("Resource does not exist")
    return topic


def tag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagResource."""
    topic = _topic(ctx, request["ResourceArn"])
    with ctx.runtime.storage.transaction() as conn:
        tags = {**store.get_tags(conn, topic.id), **as_dict(request["Tags"])}
        store.set_tags(conn, topic.id, check_count(tags))
    return {}


def untag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagResource."""
    topic = _topic(ctx, request["ResourceArn"])
    with ctx.runtime.storage.transaction() as conn:
        tags = store.get_tags(conn, topic.id)
        for key in request["TagKeys"]:
            tags.pop(key, None)
        store.set_tags(conn, topic.id, tags)
    return {}


def list_tags_for_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTagsForResource."""
    topic = _topic(ctx, request["ResourceArn"])
    tags = store.get_tags(ctx.runtime.storage.conn, topic.id)
    return {"Tags": [{"Key": key, "Value": value} for key, value in tags.items()]}
