"""TagResource, UntagResource and ListTagsOfResource, addressing a table by ARN."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import tags
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException


def tag_resource(ctx: RequestContext, request: dict[str, Any]) -> None:
    """TagResource: add or replace tags; a key given twice keeps its last value. AWS answers
    with an empty body (the operation has no output shape), so this returns None."""
    if not request["Tags"]:
        raise ValidationException("Atleast one Tag needs to be provided as Input.")
    tags.check_characters(tags.tag_locations(request["Tags"]))
    new = {tag["Key"]: tag["Value"] for tag in request["Tags"]}
    tags.check_keys(list(new))
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    merged = {**table.tags, **new}
    tags.check_count(merged)
    table.tags = merged
    ctx.runtime.tables.save(table)


def untag_resource(ctx: RequestContext, request: dict[str, Any]) -> None:
    """UntagResource: removing a key that is not there is not an error; an empty body."""
    if not request["TagKeys"]:
        raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
    tags.check_characters([(f"tagKeys.{number}.member", key)
                           for number, key in enumerate(request["TagKeys"], 1)])
    tags.check_keys(request["TagKeys"])
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    table.tags = {k: v for k, v in table.tags.items() if k not in set(request["TagKeys"])}
    ctx.runtime.tables.save(table)


def list_tags_of_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTagsOfResource: every tag in one page (a table holds at most 50)."""
    table = tags.table_for_arn(ctx, request["ResourceArn"])
    return {"Tags": [{"Key": key, "Value": value} for key, value in table.tags.items()]}
