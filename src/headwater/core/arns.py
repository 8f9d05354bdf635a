"""ARN construction and parsing."""

from __future__ import annotations


def table_arn(region: str, account: str, table: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}"


def stream_arn(region: str, account: str, table: str, label: str) -> str:
    return f"{table_arn(region, account, table)}/stream/{label}"
