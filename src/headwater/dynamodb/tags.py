"""Table tags: resolving a table ARN and AWS's tag limits (DynamoDB developer guide
"Tagging restrictions": 50 tags per resource, keys 1-128 and values 0-256 characters, the
"aws:" prefix reserved). Lengths are checked from the model; the rest here.

A ResourceArn resolves like a TableName ARN (`catalog.locate`): it names its own account and
region, so another account's or region's table is reached by its ARN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headwater.core.arns import parse_table_arn
from headwater.dynamodb.catalog import INVALID_ARN
from headwater.dynamodb.errors import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from headwater.dynamodb.table import Table

if TYPE_CHECKING:
    from headwater.dynamodb.context import RequestContext

MAX_TAGS = 50
RESERVED_PREFIX = "aws:"


def table_for_arn(ctx: RequestContext, arn: str) -> Table:
    """The table an ARN names, in whichever account and region it names, or AWS's errors."""
    # `locate` would take a plain name as the caller's table; a ResourceArn must be an ARN.
    if parse_table_arn(arn) is None:
        raise ValidationException(INVALID_ARN.format(arn))
    table = ctx.runtime.tables.find(ctx.account, ctx.region, arn)
    if table is None:
        # "ResourcArn" is AWS's own spelling (dynalite test/tagResource.js, recorded).
        raise ResourceNotFoundException(
            f"Requested resource not found: ResourcArn: {arn} not found")
    return table


def check_keys(keys: list[str]) -> None:
    for key in keys:
        if key.lower().startswith(RESERVED_PREFIX):
            raise ValidationException(
                "One or more parameter values were invalid: Tag keys starting with 'aws:' are "
                "reserved for system use")


def check_count(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise LimitExceededException(
            f"The number of tags on the resource exceeds the limit of {MAX_TAGS}")
