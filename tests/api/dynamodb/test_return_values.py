"""ReturnValues (all five), ReturnValuesOnConditionCheckFailure, ReturnConsumedCapacity and
ReturnItemCollectionMetrics on the single-item writes."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"pk": {"S": "k"}}
OLD = {"pk": {"S": "k"}, "a": {"N": "1"}, "b": {"S": "keep"}}


@pytest.fixture
def stored(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item=OLD)
    return table


@pytest.mark.parametrize(("mode", "expected"), [
    ("NONE", None),
    ("ALL_OLD", OLD),
    ("UPDATED_OLD", {"a": {"N": "1"}}),
    ("ALL_NEW", {"pk": {"S": "k"}, "a": {"N": "2"}, "b": {"S": "keep"}, "c": {"S": "new"}}),
    ("UPDATED_NEW", {"a": {"N": "2"}, "c": {"S": "new"}}),
])
def test_update_item_return_values(ddb: Any, stored: str, mode: str,
                                   expected: dict[str, Any] | None) -> None:
    response = ddb.update_item(TableName=stored, Key=KEY, ReturnValues=mode,
                               UpdateExpression="SET a = a + :one, c = :c",
                               ExpressionAttributeValues={":one": {"N": "1"}, ":c": {"S": "new"}})
    assert response.get("Attributes") == expected


def test_updated_old_of_new_item_is_empty(ddb: Any, table: str) -> None:
    response = ddb.update_item(TableName=table, Key=KEY, ReturnValues="UPDATED_OLD",
                               UpdateExpression="SET a = :v",
                               ExpressionAttributeValues={":v": {"N": "1"}})
    assert "Attributes" not in response


def test_updated_new_after_remove_omits_removed(ddb: Any, stored: str) -> None:
    response = ddb.update_item(TableName=stored, Key=KEY, ReturnValues="UPDATED_NEW",
                               UpdateExpression="REMOVE b")
    assert "Attributes" not in response
    response = ddb.update_item(TableName=stored, Key=KEY, ReturnValues="ALL_NEW",
                               UpdateExpression="REMOVE a")
    assert response["Attributes"] == {"pk": {"S": "k"}}


def test_put_item_all_old(ddb: Any, stored: str) -> None:
    response = ddb.put_item(TableName=stored, Item=KEY, ReturnValues="ALL_OLD")
    assert response["Attributes"] == OLD
    assert "Attributes" not in ddb.put_item(TableName=stored, Item=KEY, ReturnValues="NONE")


def test_put_item_all_old_of_new_item_is_absent(ddb: Any, table: str) -> None:
    assert "Attributes" not in ddb.put_item(TableName=table, Item=KEY, ReturnValues="ALL_OLD")


def test_delete_item_all_old(ddb: Any, stored: str) -> None:
    assert ddb.delete_item(TableName=stored, Key=KEY, ReturnValues="ALL_OLD")["Attributes"] == OLD
    assert "Attributes" not in ddb.delete_item(TableName=stored, Key=KEY, ReturnValues="ALL_OLD")


@pytest.mark.parametrize("mode", ["UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
@pytest.mark.parametrize("operation", ["put_item", "delete_item"])
def test_put_and_delete_only_offer_all_old(ddb: Any, table: str, invalid: Any, mode: str,
                                           operation: str) -> None:
    kwargs = {"Item": KEY} if operation == "put_item" else {"Key": KEY}
    invalid(getattr(ddb, operation), "ReturnValues can only be ALL_OLD or NONE",
            TableName=table, ReturnValues=mode, **kwargs)


def test_return_values_checked_before_table_lookup(ddb: Any, invalid: Any) -> None:
    invalid(ddb.put_item, "ReturnValues can only be ALL_OLD or NONE", TableName="nothere",
            Item=KEY, ReturnValues="ALL_NEW")


def test_unknown_return_values_lists_aws_enum(raw: Any, table: str) -> None:
    status, body = raw.op("PutItem", {"TableName": table, "Item": KEY, "ReturnValues": "hi",
                                      "ReturnConsumedCapacity": "hi",
                                      "ReturnItemCollectionMetrics": "hi"})
    assert status == 400
    assert body["message"].startswith("3 validation errors detected: ")
    assert ("Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy "
            "enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]") in body["message"]
    assert ("Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must "
            "satisfy enum value set: [INDEXES, TOTAL, NONE]") in body["message"]
    assert ("Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member "
            "must satisfy enum value set: [SIZE, NONE]") in body["message"]


@pytest.mark.parametrize("operation", ["put_item", "update_item", "delete_item"])
def test_condition_failure_returns_old_item_on_request(ddb: Any, stored: str, expect_error: Any,
                                                       operation: str) -> None:
    kwargs: dict[str, Any] = {"Item": OLD} if operation == "put_item" else {"Key": KEY}
    if operation == "update_item":
        kwargs["UpdateExpression"] = "REMOVE b"
    response = expect_error(getattr(ddb, operation), "ConditionalCheckFailedException",
                            "The conditional request failed", TableName=stored,
                            ConditionExpression="attribute_not_exists(pk)",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD", **kwargs)
    assert response["Item"] == OLD


def test_condition_failure_without_request_returns_no_item(ddb: Any, stored: str,
                                                           expect_error: Any) -> None:
    response = expect_error(ddb.put_item, "ConditionalCheckFailedException",
                            "The conditional request failed", TableName=stored, Item=OLD,
                            ConditionExpression="attribute_not_exists(pk)")
    assert "Item" not in response


def test_condition_failure_on_missing_item_has_no_item(ddb: Any, table: str,
                                                       expect_error: Any) -> None:
    response = expect_error(ddb.delete_item, "ConditionalCheckFailedException",
                            "The conditional request failed", TableName=table, Key=KEY,
                            ConditionExpression="attribute_exists(pk)",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert "Item" not in response


@pytest.mark.parametrize(("consistent", "units"), [(True, 1.0), (False, 0.5)])
def test_get_item_consumed_capacity(ddb: Any, stored: str, consistent: bool,
                                    units: float) -> None:
    response = ddb.get_item(TableName=stored, Key=KEY, ConsistentRead=consistent,
                            ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": stored, "CapacityUnits": units}


def test_get_item_capacity_counts_4kb_units(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "big": {"S": "x" * 5000}})
    response = ddb.get_item(TableName=table, Key=KEY, ConsistentRead=True,
                            ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"]["CapacityUnits"] == 2.0


def test_put_item_capacity_counts_1kb_units(ddb: Any, table: str) -> None:
    response = ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "big": {"S": "x" * 2000}},
                            ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}


def test_indexes_capacity_breaks_down_by_table(ddb: Any, table: str) -> None:
    response = ddb.put_item(TableName=table, Item=KEY, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0,
                                            "Table": {"CapacityUnits": 1.0}}


@pytest.mark.parametrize("operation", ["update_item", "delete_item"])
def test_write_capacity_and_none(ddb: Any, stored: str, operation: str) -> None:
    response = getattr(ddb, operation)(TableName=stored, Key=KEY, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": stored, "CapacityUnits": 1.0}
    response = getattr(ddb, operation)(TableName=stored, Key=KEY, ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in response


def test_item_collection_metrics_accepted(ddb: Any, table: str) -> None:
    response = ddb.put_item(TableName=table, Item=KEY, ReturnItemCollectionMetrics="SIZE")
    assert "Attributes" not in response


NESTED = {"pk": {"S": "k"},
          "m": {"M": {"a": {"M": {"b": {"S": "old-b"}, "c": {"N": "1"}}}, "keep": {"S": "mk"}}},
          "l": {"L": [{"M": {"a": {"S": "old0"}, "b": {"S": "b0"}}},
                      {"M": {"a": {"S": "old1"}, "b": {"S": "b1"}}}]},
          "top": {"S": "t"}}


@pytest.mark.parametrize(("expression", "mode", "expected"), [
    ("SET m.a.b = :v", "UPDATED_NEW", {"m": {"M": {"a": {"M": {"b": {"S": "new"}}}}}}),
    ("SET m.a.b = :v", "UPDATED_OLD", {"m": {"M": {"a": {"M": {"b": {"S": "old-b"}}}}}}),
    ("SET l[1].a = :v", "UPDATED_NEW", {"l": {"L": [{"M": {"a": {"S": "new"}}}]}}),
    ("SET l[1].a = :v, l[0].b = :v", "UPDATED_OLD",
     {"l": {"L": [{"M": {"b": {"S": "b0"}}}, {"M": {"a": {"S": "old1"}}}]}}),
    ("SET m.a.b = :v, m.keep = :v", "UPDATED_NEW",
     {"m": {"M": {"a": {"M": {"b": {"S": "new"}}}, "keep": {"S": "new"}}}}),
    ("REMOVE m.a.c", "UPDATED_OLD", {"m": {"M": {"a": {"M": {"c": {"N": "1"}}}}}}),
    ("REMOVE m.a.c", "UPDATED_NEW", None),
    ("SET l[5] = :v", "UPDATED_NEW", None),
    ("SET top = :v", "UPDATED_OLD", {"top": {"S": "t"}}),
    # After REMOVE l[0] the element that moved up to l[0] is what UPDATED_NEW shows.
    ("REMOVE l[0]", "UPDATED_NEW", {"l": {"L": [{"M": {"a": {"S": "old1"}, "b": {"S": "b1"}}}]}}),
    ("REMOVE l[0]", "UPDATED_OLD", {"l": {"L": [{"M": {"a": {"S": "old0"}, "b": {"S": "b0"}}}]}}),
    ("REMOVE l[1]", "UPDATED_NEW", None),
])
def test_updated_values_are_path_fragments(ddb: Any, table: str, expression: str, mode: str,
                                           expected: dict[str, Any] | None) -> None:
    ddb.put_item(TableName=table, Item=NESTED)
    kwargs: dict[str, Any] = {"ExpressionAttributeValues": {":v": {"S": "new"}}} \
        if ":v" in expression else {}
    response = ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression,
                               ReturnValues=mode, **kwargs)
    assert response.get("Attributes") == expected


@pytest.mark.parametrize(("padding", "units"), [(1007, 1.0), (1008, 2.0)])
def test_delete_capacity_follows_item_size(ddb: Any, table: str, padding: int,
                                           units: float) -> None:
    # pk "k" 3 + b 1+padding + c N 12.3456 (1+4) + d B 2 bytes (1+2) + e BS 4 bytes (1+4)
    ddb.put_item(TableName=table, Item={
        "pk": {"S": "k"}, "b": {"S": "x" * padding}, "c": {"N": "12.3456"},
        "d": {"B": b"\x01\x02"}, "e": {"BS": [b"\x01\x02", b"\x02", b"\x01"]}})
    response = ddb.delete_item(TableName=table, Key=KEY, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": units}


def test_updated_new_after_removing_a_nested_list_element(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "a": {"M": {"c": {"L": [
        {"N": "1"}, {"N": "2"}, {"N": "3"}]}}}})
    response = ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a.c[1]",
                               ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"a": {"M": {"c": {"L": [{"N": "3"}]}}}}
