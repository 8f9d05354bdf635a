"""core/arns.py: table ARNs out and back in."""

from __future__ import annotations

import pytest

from headwater.core.arns import parse_table_arn, stream_arn, table_arn


def test_table_arn_round_trips() -> None:
    assert parse_table_arn(table_arn("eu-west-1", "123456789012", "My.Table-1")) == (
        "eu-west-1", "123456789012", "My.Table-1")


def test_other_partitions_are_table_arns() -> None:
    assert parse_table_arn("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/tb1") == (
        "cn-north-1", "123456789012", "tb1")


@pytest.mark.parametrize("arn", [
    stream_arn("us-east-1", "123456789012", "tb1", "2025-01-01T00:00:00.000"),
    "arn:aws:dynamodb:us-east-1:123456789012:table/tb1/index/i",
    "arn:aws:dynamodb:us-east-1:12345:table/tb1",
    "arn:aws:dynamodb:us-east-1:123456789012:table/t",
    "arn:aws:dynamodb:us-east-1:123456789012:table/" + "t" * 256,
    "arn:aws:dynamodb:us-east-1:123456789012:table/a;b",
    "arn:aws:s3:::bucket",
    "tb1",
])
def test_anything_else_is_not(arn: str) -> None:
    assert parse_table_arn(arn) is None
