"""TagResource, UntagResource and ListTagsForResource on alarm ARNs."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.alarms.names import name_from_arn
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import ResourceNotFoundException


def tag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    with ctx.runtime.storage.transaction() as conn:
        name, tags = _tags(ctx, conn, request["ResourceARN"])
        tags.update({t["Key"]: t["Value"] for t in request["Tags"]})
        store.set_tags(conn, ctx.account, ctx.region, name, tags)
    return {}


def untag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    with ctx.runtime.storage.transaction() as conn:
        name, tags = _tags(ctx, conn, request["ResourceARN"])
        for key in request["TagKeys"]:
            tags.pop(key, None)
        store.set_tags(conn, ctx.account, ctx.region, name, tags)
    return {}


def list_tags_for_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _, tags = _tags(ctx, ctx.runtime.storage.conn, request["ResourceARN"])
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


def _tags(ctx: RequestContext, conn: Any, arn: str) -> tuple[str, dict[str, str]]:
    name = name_from_arn(ctx.account, ctx.region, arn)
    tags = store.tags(conn, ctx.account, ctx.region, name)
    if tags is None:
        raise ResourceNotFoundException(f"Resource {arn} not found.")
    return name, tags
