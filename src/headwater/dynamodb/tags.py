"""Table tags: resolving a table ARN and AWS's tag limits (DynamoDB developer guide
"Tagging restrictions": 50 tags per resource, keys 1-128 and values 0-256 characters, the
"aws:" prefix reserved). Lengths are checked from the model; the rest here.

A ResourceArn resolves like a TableName ARN (`catalog.locate`): it names its own account and
region, so another account's or region's table is reached by its ARN.
"""

from __future__ import annotations

import unicodedata
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
# "The allowed characters are letters, white space, and numbers, plus the following special
# characters: + - = . _ : /" (developer guide "Tagging restrictions"); "@" too, as in the
# pattern AWS's other tagging APIs state, [\p{L}\p{Z}\p{N}_.:/=+\-@]*.
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
_SPECIAL = frozenset("_.:/=+-@")


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


def check_characters(values: list[tuple[str, str]]) -> None:
    """(location, text) pairs, as 'tags.1.member.key': every text within TAG_PATTERN. AWS's
    exact wording for this is not recorded; this is its standard pattern message [infer]."""
    bad = [(where, text) for where, text in values if not _allowed(text)]
    if bad:
        count = len(bad)
        detail = "; ".join(
            f"Value '{text}' at '{where}' failed to satisfy constraint: Member must satisfy "
            f"regular expression pattern: {TAG_PATTERN}" for where, text in bad)
        raise ValidationException(
            f"{count} validation error{'s' if count > 1 else ''} detected: {detail}")


def tag_locations(tags: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Each tag's key and value with its request location (1-based, as AWS counts)."""
    found = []
    for number, tag in enumerate(tags, 1):
        found.append((f"tags.{number}.member.key", tag["Key"]))
        found.append((f"tags.{number}.member.value", tag["Value"]))
    return found


def _allowed(text: str) -> bool:
    return all(char in _SPECIAL or unicodedata.category(char)[0] in "LZN" for char in text)


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
