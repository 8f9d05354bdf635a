"""TagResource, UntagResource and ListTagsOfResource, addressing a table by ARN."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import tags
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException


def tag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagResource: add or replace tags; a key given twice keeps its last value."""
    if not request["Tags"]:
        raise ValidationException("Atleast one Tag needs to be provided as Input.")
    new = {tag["Key"]: tag["Value"] for tag in request["Tags"]}
    tags.check_keys(list(new))
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    merged = {**table.tags, **new}
    tags.check_count(merged)
    table.tags = merged
    ctx.runtime.tables.save(table)
    return {}


def untag_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagResource: removing a key that is not there is not an error."""
    if not request["TagKeys"]:
        raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
    tags.check_keys(request["TagKeys"])
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    table.tags = {k: v for k, v in table.tags.items() if k not in set(request["TagKeys"])}
    ctx.runtime.tables.save(table)
    return {}


def list_tags_of_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTagsOfResource: every tag in one page (a table holds at most 50)."""
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    return {"Tags": [{"Key": key, "Value": value} for key, value in table.tags.items()]}
