"""UpdateItem: creating and changing items, key protection, size limit, missing tables."""

from __future__ import annotations

from typing import Any

import pytest

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


# An update that only removes (REMOVE, DELETE, AttributeUpdates DELETE) creates no item when
# the key is missing (scylladb/scylladb#5862, a test that passes on DynamoDB); an update with
# no actions at all still creates a key-only item (test_update_without_expression_...).
REMOVES_ONLY = [
    {"UpdateExpression": "REMOVE a"},
    {"UpdateExpression": "REMOVE a, b"},
    {"UpdateExpression": "DELETE s :s", "ExpressionAttributeValues": {":s": {"SS": ["x"]}}},
    {"UpdateExpression": "REMOVE a DELETE s :s",
     "ExpressionAttributeValues": {":s": {"SS": ["x"]}}},
    {"AttributeUpdates": {"a": {"Action": "DELETE"}}},
    {"AttributeUpdates": {"s": {"Action": "DELETE", "Value": {"SS": ["x"]}}}},
]


@pytest.mark.parametrize("update", REMOVES_ONLY)
def test_removes_only_on_missing_item_create_nothing(ddb: Any, table: str,
                                                     update: dict[str, Any]) -> None:
    for mode in ("ALL_NEW", "UPDATED_NEW", "ALL_OLD", "UPDATED_OLD"):
        response = ddb.update_item(TableName=table, Key=KEY, ReturnValues=mode, **update)
        assert "Attributes" not in response
    assert get(ddb, table) is None


def test_remove_of_nested_paths_on_missing_item_is_accepted(ddb: Any, table: str) -> None:
    # On an existing item without `a` these are "invalid for update"; on a missing item AWS
    # accepts them and changes nothing (scylladb test_nested_attribute_remove_from_missing_item,
    # run against DynamoDB).
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a.b")
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a[0]")
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a[0].b, c.d")
    assert get(ddb, table) is None


def test_remove_of_nested_path_on_existing_item_is_invalid(ddb: Any, table: str,
                                                           invalid: Any) -> None:
    ddb.put_item(TableName=table, Item=KEY)
    invalid(ddb.update_item, "The document path provided in the update expression is invalid "
            "for update", TableName=table, Key=KEY, UpdateExpression="REMOVE a.b")


def test_removes_only_on_missing_item_still_check_the_condition(ddb: Any, table: str,
                                                                expect_error: Any) -> None:
    expect_error(ddb.update_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=table, Key=KEY,
                 UpdateExpression="REMOVE a", ConditionExpression="attribute_exists(pk)")
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a",
                    ConditionExpression="attribute_not_exists(pk)")
    assert get(ddb, table) is None


def test_removes_only_on_missing_item_still_protect_the_key(ddb: Any, range_table: str,
                                                            invalid: Any) -> None:
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    invalid(ddb.update_item, INVALID + "Cannot update attribute sk. This attribute is part of "
            "the key", TableName=range_table, Key=key, UpdateExpression="REMOVE sk")
    assert "Item" not in ddb.get_item(TableName=range_table, Key=key)


def test_set_with_removes_on_missing_item_creates_it(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET v = :v REMOVE a",
                    ExpressionAttributeValues={":v": {"S": "x"}})
    assert get(ddb, table) == {**KEY, "v": {"S": "x"}}


def test_empty_attribute_updates_create_key_only_item(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={})
    assert get(ddb, table) == KEY
