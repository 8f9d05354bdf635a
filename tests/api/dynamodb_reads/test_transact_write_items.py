"""TransactWriteItems: actions, all-or-nothing, cancellation reasons, limits, idempotency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def put(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}}, **extra}}


def get(ddb: Any, table: str, pk: str) -> dict[str, Any] | None:
    return ddb.get_item(TableName=table, Key=key(pk)).get("Item")


@pytest.fixture
def seeded(ddb: Any, hash_table: str) -> str:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "b"}, "n": {"N": "2"}})
    return hash_table


def cancelled(ddb: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(**kwargs)
    response: dict[str, Any] = caught.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response


def test_all_four_actions(ddb: Any, seeded: str) -> None:
    ddb.transact_write_items(TransactItems=[
        put(seeded, "c"),
        {"Update": {"TableName": seeded, "Key": key("a"), "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": seeded, "Key": key("b")}},
        {"ConditionCheck": {"TableName": seeded, "Key": key("z"),
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    assert get(ddb, seeded, "c") == {"pk": {"S": "c"}}
    assert get(ddb, seeded, "a") == {"pk": {"S": "a"}, "n": {"N": "2"}}
    assert get(ddb, seeded, "b") is None and get(ddb, seeded, "z") is None


def test_update_creates_missing_item(ddb: Any, hash_table: str) -> None:
    ddb.transact_write_items(TransactItems=[{"Update": {
        "TableName": hash_table, "Key": key("new"), "UpdateExpression": "SET v = :v",
        "ExpressionAttributeValues": {":v": {"S": "x"}}}}])
    assert get(ddb, hash_table, "new") == {"pk": {"S": "new"}, "v": {"S": "x"}}


def test_across_tables(ddb: Any, hash_table: str, make_table: Callable[..., str]) -> None:
    other = make_table(range_key="sk", range_type="N")
    ddb.transact_write_items(TransactItems=[
        put(hash_table, "a"),
        {"Put": {"TableName": other, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}}])
    assert get(ddb, hash_table, "a") is not None
    assert ddb.get_item(TableName=other, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]


def test_failed_condition_cancels_everything(ddb: Any, seeded: str) -> None:
    response = cancelled(ddb, TransactItems=[
        put(seeded, "c"),
        {"Delete": {"TableName": seeded, "Key": key("a"), "ConditionExpression": "n = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}}}},
    ])
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    assert get(ddb, seeded, "c") is None and get(ddb, seeded, "a") is not None


def test_reasons_in_request_order(ddb: Any, seeded: str) -> None:
    response = cancelled(ddb, TransactItems=[
        {"ConditionCheck": {"TableName": seeded, "Key": key("a"),
                            "ConditionExpression": "attribute_not_exists(pk)"}},
        put(seeded, "c"),
        {"Put": {"TableName": seeded, "Item": {"pk": {"S": "b"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    assert [r["Code"] for r in response["CancellationReasons"]] == [
        "ConditionalCheckFailed", "None", "ConditionalCheckFailed"]
    assert response["Error"]["Message"].endswith(
        "[ConditionalCheckFailed, None, ConditionalCheckFailed]")


def test_all_old_on_condition_failure(ddb: Any, seeded: str) -> None:
    response = cancelled(ddb, TransactItems=[
        {"Update": {"TableName": seeded, "Key": key("a"), "UpdateExpression": "SET n = :z",
                    "ConditionExpression": "n > :z", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    "ExpressionAttributeValues": {":z": {"N": "5"}}}}])
    assert response["CancellationReasons"] == [{
        "Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
        "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}]


def test_all_old_of_missing_item_has_no_item(ddb: Any, hash_table: str) -> None:
    response = cancelled(ddb, TransactItems=[
        {"ConditionCheck": {"TableName": hash_table, "Key": key("none"),
                            "ConditionExpression": "attribute_exists(pk)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    assert response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]


def test_update_type_error_is_validation_reason(ddb: Any, seeded: str) -> None:
    ddb.put_item(TableName=seeded, Item={"pk": {"S": "t"}, "s": {"S": "text"}})
    response = cancelled(ddb, TransactItems=[
        put(seeded, "c"),
        {"Update": {"TableName": seeded, "Key": key("t"), "UpdateExpression": "SET s = s + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    reasons = response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"} and reasons[1]["Code"] == "ValidationError"
    assert reasons[1]["Message"].startswith("An operand in the update expression has an incorrect")
    assert get(ddb, seeded, "c") is None


def test_hundred_actions(ddb: Any, hash_table: str) -> None:
    ddb.transact_write_items(TransactItems=[put(hash_table, str(i)) for i in range(100)])
    assert ddb.scan(TableName=hash_table, Select="COUNT")["Count"] == 100


def test_consumed_capacity_counts_double(ddb: Any, hash_table: str) -> None:
    response = ddb.transact_write_items(TransactItems=[put(hash_table, "a"), put(hash_table, "b")],
                                        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 4.0}]


@pytest.mark.parametrize("second", [
    {"Delete": {"TableName": "{t}", "Key": {"pk": {"S": "a"}}}},
    {"ConditionCheck": {"TableName": "{t}", "Key": {"pk": {"S": "a"}},
                        "ConditionExpression": "attribute_exists(pk)"}},
    {"Put": {"TableName": "{t}", "Item": {"pk": {"S": "a"}, "x": {"S": "y"}}}},
])
def test_one_item_touched_twice(ddb: Any, seeded: str, invalid: Callable[..., Any],
                                second: dict[str, Any]) -> None:
    kind, spec = next(iter(second.items()))
    invalid(ddb.transact_write_items, "Transaction request cannot include multiple operations "
            "on one item", TransactItems=[put(seeded, "a"), {kind: {**spec, "TableName": seeded}}])


@pytest.mark.parametrize("entry", [
    {},
    {"Put": {"TableName": "{t}", "Item": {"pk": {"S": "a"}}},
     "Delete": {"TableName": "{t}", "Key": {"pk": {"S": "b"}}}},
])
def test_entry_with_zero_or_two_actions(ddb: Any, hash_table: str, invalid: Callable[..., Any],
                                        entry: dict[str, Any]) -> None:
    entry = {k: {**v, "TableName": hash_table} for k, v in entry.items()}
    invalid(ddb.transact_write_items, "TransactItems can only contain one of Check, Put, Update "
            "or Delete", TransactItems=[entry])


def test_more_than_hundred_actions(raw: Any, hash_table: str) -> None:
    status, body = raw.op("TransactWriteItems", {"TransactItems": [
        put(hash_table, str(i)) for i in range(101)]})
    assert status == 400
    assert "Member must have length less than or equal to 100" in body["message"]


def test_larger_than_four_megabytes(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    blob = {"S": "x" * 390_000}
    invalid(ddb.transact_write_items, "Transaction request cannot be larger than 4 MB",
            TransactItems=[{"Put": {"TableName": hash_table,
                                    "Item": {"pk": {"S": str(i)}, "b": blob}}}
                           for i in range(11)])


def test_item_too_large(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_write_items, "Item size has exceeded the maximum allowed size",
            TransactItems=[{"Put": {"TableName": hash_table,
                                    "Item": {"pk": {"S": "a"}, "b": {"S": "x" * 410_000}}}}])


def test_missing_table(ddb: Any, hash_table: str, expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.transact_write_items, "ResourceNotFoundException",
                 "Requested resource not found",
                 TransactItems=[put(hash_table, "a"), put("no-such-table", "b")])
    assert get(ddb, hash_table, "a") is None


def test_update_of_key_attribute(ddb: Any, seeded: str, invalid: Callable[..., Any]) -> None:
    response = cancelled(ddb, TransactItems=[
        {"Update": {"TableName": seeded, "Key": key("a"), "UpdateExpression": "SET pk = :v",
                    "ExpressionAttributeValues": {":v": {"S": "z"}}}}])
    assert response["CancellationReasons"][0]["Message"] == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
        "is part of the key")


def test_bad_condition_expression(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_write_items, "Invalid ConditionExpression: An expression attribute "
            "value used in expression is not defined; attribute value: :v",
            TransactItems=[put(hash_table, "a", ConditionExpression="x = :v")])


def test_key_not_matching_schema(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_write_items, "The provided key element does not match the schema",
            TransactItems=[{"Delete": {"TableName": hash_table, "Key": {"pk": {"N": "1"}}}}])


def test_token_replays_without_writing_again(ddb: Any, hash_table: str) -> None:
    items = [{"Update": {"TableName": hash_table, "Key": key("c"),
                         "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-replay")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-replay")
    assert get(ddb, hash_table, "c") == {"pk": {"S": "c"}, "n": {"N": "1"}}


def test_token_with_other_parameters(ddb: Any, hash_table: str,
                                     expect_error: Callable[..., Any]) -> None:
    ddb.transact_write_items(TransactItems=[put(hash_table, "a")], ClientRequestToken="token-mm")
    expect_error(ddb.transact_write_items, "IdempotentParameterMismatchException",
                 TransactItems=[put(hash_table, "b")], ClientRequestToken="token-mm")
    assert get(ddb, hash_table, "b") is None


def test_no_token_writes_every_time(ddb: Any, hash_table: str) -> None:
    items = [{"Update": {"TableName": hash_table, "Key": key("c"), "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    ddb.transact_write_items(TransactItems=items)
    ddb.transact_write_items(TransactItems=items)
    assert get(ddb, hash_table, "c") == {"pk": {"S": "c"}, "n": {"N": "2"}}


@pytest.mark.local_only
def test_token_expires_after_ten_minutes(ddb: Any, hash_table: str, clock: Any) -> None:
    items = [{"Update": {"TableName": hash_table, "Key": key("c"), "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-expiry")
    clock.advance(599)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-expiry")
    assert get(ddb, hash_table, "c") == {"pk": {"S": "c"}, "n": {"N": "1"}}
    clock.advance(2)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-expiry")
    assert get(ddb, hash_table, "c") == {"pk": {"S": "c"}, "n": {"N": "2"}}


@pytest.mark.local_only
def test_mismatch_allowed_after_expiry(ddb: Any, hash_table: str, clock: Any) -> None:
    ddb.transact_write_items(TransactItems=[put(hash_table, "a")], ClientRequestToken="token-exp2")
    clock.advance(601)
    ddb.transact_write_items(TransactItems=[put(hash_table, "b")], ClientRequestToken="token-exp2")
    assert get(ddb, hash_table, "b") is not None


def test_cancelled_transaction_token_can_be_retried(ddb: Any, seeded: str) -> None:
    items = [{"ConditionCheck": {"TableName": seeded, "Key": key("x"),
                                 "ConditionExpression": "attribute_exists(pk)"}},
             put(seeded, "c")]
    cancelled(ddb, TransactItems=items, ClientRequestToken="token-retry")
    ddb.put_item(TableName=seeded, Item={"pk": {"S": "x"}})
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-retry")
    assert get(ddb, seeded, "c") is not None


def test_empty_key_cancels_with_a_validation_reason(ddb: Any, seeded: str) -> None:
    response = cancelled(ddb, TransactItems=[
        put(seeded, "c"), {"Delete": {"TableName": seeded, "Key": {}}},
        {"ConditionCheck": {"TableName": seeded, "Key": key("a"),
                            "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ValidationError, ConditionalCheckFailed]")
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ValidationError",
         "Message": "The provided key element does not match the schema"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    assert get(ddb, seeded, "c") is None


def test_empty_string_key_stays_a_request_error(ddb: Any, seeded: str,
                                                invalid: Callable[..., Any]) -> None:
    # Recorded against AWS (moto test_transaction_with_empty_key, aws_verified).
    invalid(ddb.transact_write_items, "One or more parameter values are not valid. The "
            "AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
            TransactItems=[{"Update": {"TableName": seeded, "Key": key(""),
                                       "UpdateExpression": "SET n = :v",
                                       "ExpressionAttributeValues": {":v": {"N": "0"}}}}])


def test_request_checked_before_any_table(ddb: Any, hash_table: str,
                                          invalid: Callable[..., Any]) -> None:
    invalid(ddb.transact_write_items, 'Invalid ConditionExpression: Syntax error; token: '
            '"<EOF>", near: "="', TransactItems=[
                put("no-such-table", "a"), put(hash_table, "b", ConditionExpression="a =")])
