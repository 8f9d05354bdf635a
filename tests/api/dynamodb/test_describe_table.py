"""DescribeTable: the fields a client reads, including exact ItemCount and TableSizeBytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

NOT_FOUND = "Requested resource not found: Table: {} not found"


def test_describe_reports_key_schema_and_status(ddb: Any, range_table: str) -> None:
    table = ddb.describe_table(TableName=range_table)["Table"]
    assert table["TableName"] == range_table
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"},
                                             {"AttributeName": "sk", "AttributeType": "N"}]


def test_describe_reports_identity_and_creation_time(ddb: Any, table: str) -> None:
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{table}"
    assert len(described["TableId"]) == 36 and described["TableId"].count("-") == 4
    assert isinstance(described["CreationDateTime"], datetime)
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["DeletionProtectionEnabled"] is False


def test_item_count_and_size_follow_writes(ddb: Any, table: str) -> None:
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] == 0
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "101"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "bb"}, "s": {"S": "hello"}})
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 2
    # pk(2)+a(1) + n(1)+101(3) ; pk(2)+bb(2) + s(1)+hello(5)
    assert described["TableSizeBytes"] == 7 + 10
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    described = ddb.describe_table(TableName=table)["Table"]
    assert (described["ItemCount"], described["TableSizeBytes"]) == (1, 10)


def test_describe_shows_stream_specification(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True,
                                           "StreamViewType": "NEW_AND_OLD_IMAGES"})
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["StreamSpecification"] == {"StreamEnabled": True,
                                                "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert described["LatestStreamArn"].startswith(f"{described['TableArn']}/stream/")
    assert described["LatestStreamArn"].endswith(described["LatestStreamLabel"])


def test_describe_shows_sse(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table(SSESpecification={"Enabled": True, "SSEType": "KMS"})
    sse = ddb.describe_table(TableName=name)["Table"]["SSEDescription"]
    assert (sse["Status"], sse["SSEType"]) == ("ENABLED", "KMS")


def test_table_without_stream_or_sse_has_neither(ddb: Any, table: str) -> None:
    described = ddb.describe_table(TableName=table)["Table"]
    assert "StreamSpecification" not in described
    assert "LatestStreamArn" not in described
    assert "SSEDescription" not in described


def test_describe_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.describe_table, "ResourceNotFoundException", NOT_FOUND.format("nothere"),
                 TableName="nothere")


def test_describe_validates_table_name(ddb: Any, invalid: Any) -> None:
    invalid(ddb.describe_table,
            "1 validation error detected: Value 'a;b' at 'tableName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            TableName="a;b")


def test_table_size_uses_dynamodb_item_size_formula(ddb: Any, table: str) -> None:
    # pk "a": 2+1; m: 1 + (3 + 1 + (1 + N "123" = 3)); l: 1 + (3 + 2 + BOOL 1 + NULL 1);
    # big: 3 + 38 significant digits = 20; tiny: 4 + 1 digit = 2
    ddb.put_item(TableName=table, Item={
        "pk": {"S": "a"}, "m": {"M": {"x": {"N": "123"}}},
        "l": {"L": [{"BOOL": True}, {"NULL": True}]},
        "big": {"N": "1" * 38 + "0" * 88}, "tiny": {"N": "-0.000001"}})
    assert ddb.describe_table(TableName=table)["Table"]["TableSizeBytes"] == 3 + 9 + 8 + 23 + 6


def test_stream_disabled_at_creation_is_not_described(ddb: Any,
                                                      make_table: Callable[..., str]) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": False})
    described = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in described and "LatestStreamArn" not in described
