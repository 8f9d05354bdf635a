"""ARN construction and parsing."""

from __future__ import annotations

import re

# arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME, NAME under DynamoDB's naming rules. Index
# (`table/T/index/I`) and stream (`table/T/stream/L`) ARNs do not match: they name no table.
_TABLE_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/(?P<name>[a-zA-Z0-9_.-]{3,255})")


def table_arn(region: str, account: str, table: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}"


def stream_arn(region: str, account: str, table: str, label: str) -> str:
    return f"{table_arn(region, account, table)}/stream/{label}"


def parse_table_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account, table name) of a DynamoDB table ARN, or None if `arn` is not one."""
    match = _TABLE_ARN.fullmatch(arn)
    if match is None:
        return None
    return match["region"], match["account"], match["name"]
