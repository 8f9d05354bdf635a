"""UpdateItem: creating and changing items, key protection, size limit, missing tables."""

from __future__ import annotations

from typing import Any

KEY = {"pk": {"S": "a"}}
INVALID = "One or more parameter values were invalid: "


def get(ddb: Any, table: str) -> dict[str, Any] | None:
    return ddb.get_item(TableName=table, Key=KEY).get("Item")


def test_update_creates_missing_item(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"S": "x"}})
    assert get(ddb, table) == {**KEY, "v": {"S": "x"}}


def test_update_without_expression_creates_key_only_item(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY)
    assert get(ddb, table) == KEY


def test_update_keeps_other_attributes(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "keep": {"N": "1"}, "v": {"S": "old"}})
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"S": "new"}})
    assert get(ddb, table) == {**KEY, "keep": {"N": "1"}, "v": {"S": "new"}}


def test_update_of_composite_key_item(ddb: Any, range_table: str) -> None:
    key = {"pk": {"S": "a"}, "sk": {"N": "1.0"}}
    ddb.update_item(TableName=range_table, Key=key, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"BOOL": True}})
    item = ddb.get_item(TableName=range_table, Key=key)["Item"]
    assert item == {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"BOOL": True}}


def test_cannot_set_key_attribute(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, INVALID + "Cannot update attribute pk. This attribute is part of "
            "the key", TableName=table, Key=KEY, UpdateExpression="SET pk = :v",
            ExpressionAttributeValues={":v": {"S": "b"}})


def test_cannot_remove_range_key_attribute(ddb: Any, range_table: str, invalid: Any) -> None:
    invalid(ddb.update_item, INVALID + "Cannot update attribute sk. This attribute is part of "
            "the key", TableName=range_table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
            UpdateExpression="REMOVE sk")


def test_update_beyond_400_kb_is_rejected(ddb: Any, table: str, invalid: Any) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "a": {"S": "x" * 300_000}})
    invalid(ddb.update_item, "Item size to update has exceeded the maximum allowed size",
            TableName=table, Key=KEY, UpdateExpression="SET b = :v",
            ExpressionAttributeValues={":v": {"S": "y" * 200_000}})
    assert "b" not in get(ddb, table)


def test_update_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.update_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName="nothere", Key=KEY)


def test_update_key_must_match_schema(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_item, "The provided key element does not match the schema",
            TableName=table, Key={"pk": {"N": "1"}})


def test_conditional_update_failure_changes_nothing(ddb: Any, table: str,
                                                    expect_error: Any) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    expect_error(ddb.update_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=table, Key=KEY,
                 UpdateExpression="SET v = :two", ConditionExpression="v = :two",
                 ExpressionAttributeValues={":two": {"N": "2"}})
    assert get(ddb, table) == {**KEY, "v": {"N": "1"}}


def test_condition_on_missing_item_sees_no_attributes(ddb: Any, table: str,
                                                      expect_error: Any) -> None:
    expect_error(ddb.update_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=table, Key=KEY,
                 UpdateExpression="SET v = :v", ConditionExpression="attribute_exists(pk)",
                 ExpressionAttributeValues={":v": {"N": "2"}})
    assert get(ddb, table) is None


def test_expression_errors_come_before_missing_table(ddb: Any, invalid: Any) -> None:
    invalid(ddb.update_item, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: '
            '"= "', TableName="nothere", Key=KEY, UpdateExpression="SET a = ")
