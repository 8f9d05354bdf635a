"""DeleteTable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_delete_returns_deleting_description(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    table = ddb.delete_table(TableName=name)["TableDescription"]
    assert table["TableStatus"] == "DELETING"
    assert table["TableName"] == name
    assert table["ItemCount"] == 1


def test_deleted_table_is_gone(ddb: Any, make_table: Callable[..., str],
                               expect_error: Any) -> None:
    name = make_table()
    ddb.delete_table(TableName=name)
    expect_error(ddb.describe_table, "ResourceNotFoundException",
                 f"Requested resource not found: Table: {name} not found", TableName=name)
    assert name not in ddb.list_tables()["TableNames"]
    expect_error(ddb.get_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName=name, Key={"pk": {"S": "a"}})


def test_delete_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.delete_table, "ResourceNotFoundException",
                 "Requested resource not found: Table: nothere not found", TableName="nothere")


def test_recreated_table_starts_empty(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    old_id = ddb.describe_table(TableName=name)["Table"]["TableId"]
    ddb.delete_table(TableName=name)
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
    assert ddb.describe_table(TableName=name)["Table"]["TableId"] != old_id


def test_description_omits_what_aws_omits(ddb: Any, unique: Callable[[str], str]) -> None:
    name = unique("tbl")
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    definitions = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")]
    projection = {"ProjectionType": "KEYS_ONLY"}
    ddb.create_table(
        TableName=name, KeySchema=keys, AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{"IndexName": "gsi1", "Projection": projection,
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        LocalSecondaryIndexes=[{"IndexName": "lsi1", "Projection": projection, "KeySchema": [
            keys[0], {"AttributeName": "g", "KeyType": "RANGE"}]}])
    table = ddb.delete_table(TableName=name)["TableDescription"]
    for member in ("CreationDateTime", "KeySchema", "AttributeDefinitions",
                   "GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        assert member not in table
    assert {"TableName", "TableStatus", "TableArn", "TableId", "ItemCount",
            "TableSizeBytes"} <= set(table)
