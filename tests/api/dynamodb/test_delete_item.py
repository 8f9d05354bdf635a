"""DeleteItem: existing and missing items, conditions, key checks."""

from __future__ import annotations

from typing import Any

KEY = {"pk": {"S": "a"}}


def test_delete_removes_item(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"S": "x"}})
    response = ddb.delete_item(TableName=table, Key=KEY)
    response.pop("ResponseMetadata")
    assert response == {}
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


def test_delete_missing_item_succeeds(ddb: Any, table: str) -> None:
    ddb.delete_item(TableName=table, Key=KEY)


def test_conditional_delete(ddb: Any, table: str, expect_error: Any) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    expect_error(ddb.delete_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=table, Key=KEY,
                 ConditionExpression="v = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    assert "Item" in ddb.get_item(TableName=table, Key=KEY)
    ddb.delete_item(TableName=table, Key=KEY, ConditionExpression="v = :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


def test_delete_key_must_match_schema(ddb: Any, range_table: str, invalid: Any) -> None:
    invalid(ddb.delete_item, "The provided key element does not match the schema",
            TableName=range_table, Key=KEY)


def test_delete_from_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.delete_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName="nothere", Key=KEY)
