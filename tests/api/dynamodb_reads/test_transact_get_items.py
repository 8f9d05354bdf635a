"""TransactGetItems."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def get(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {"Get": {"TableName": table, "Key": {"pk": {"S": pk}}, **extra}}


def test_items_in_request_order_with_empty_for_missing(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "b"}})
    response = ddb.transact_get_items(TransactItems=[get(hash_table, "b"), get(hash_table, "x"),
                                                     get(hash_table, "a")])
    assert response["Responses"] == [{"Item": {"pk": {"S": "b"}}}, {},
                                     {"Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}]


def test_projection(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "a"}, "v": {"N": "1"}, "w": {"N": "2"}})
    response = ddb.transact_get_items(TransactItems=[
        get(hash_table, "a", ProjectionExpression="#w", ExpressionAttributeNames={"#w": "w"})])
    assert response["Responses"] == [{"Item": {"w": {"N": "2"}}}]


def test_consumed_capacity(ddb: Any, hash_table: str) -> None:
    response = ddb.transact_get_items(TransactItems=[get(hash_table, "a"), get(hash_table, "b")],
                                      ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 4.0}]


def test_same_item_twice(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_get_items, "Transaction request cannot include multiple operations on "
            "one item", TransactItems=[get(hash_table, "a"), get(hash_table, "a")])


def test_missing_table(ddb: Any, expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.transact_get_items, "ResourceNotFoundException",
                 "Requested resource not found", TransactItems=[get("no-such-table", "a")])


def test_key_not_matching_schema(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_get_items, "The provided key element does not match the schema",
            TransactItems=[{"Get": {"TableName": hash_table, "Key": {"id": {"S": "a"}}}}])


def test_more_than_hundred(raw: Any, hash_table: str) -> None:
    status, body = raw.op("TransactGetItems", {"TransactItems": [
        get(hash_table, str(i)) for i in range(101)]})
    assert status == 400
    assert "Member must have length less than or equal to 100" in body["message"]


def test_empty_key_cancels_with_a_validation_reason(ddb: Any, hash_table: str) -> None:
    # Issue 11: an empty Key is a per-item error, reported in that item's position.
    with pytest.raises(ClientError) as caught:
        ddb.transact_get_items(TransactItems=[
            get(hash_table, "a"), {"Get": {"TableName": hash_table, "Key": {}}}])
    response = caught.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ValidationError]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ValidationError",
         "Message": "The provided key element does not match the schema"}]


def test_request_checked_before_any_table(ddb: Any, hash_table: str,
                                          invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_get_items, 'Invalid ProjectionExpression: Syntax error; token: '
            '"<EOF>", near: ","', TransactItems=[
                get("no-such-table", "a"),
                {"Get": {"TableName": hash_table, "Key": {"pk": {"S": "b"}},
                         "ProjectionExpression": "a,"}}])
