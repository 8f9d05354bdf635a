"""BatchGetItem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def key(value: str) -> dict[str, Any]:
    return {"pk": {"S": value}}


@pytest.fixture
def filled(ddb: Any, hash_table: str) -> str:
    for i in range(5):
        ddb.put_item(TableName=hash_table, Item={"pk": {"S": str(i)}, "a": {"N": str(i)},
                                                 "b": {"S": "x"}})
    return hash_table


def test_gets_existing_items_and_skips_missing(ddb: Any, filled: str) -> None:
    response = ddb.batch_get_item(RequestItems={filled: {"Keys": [key("1"), key("3"), key("9")]}})
    got = sorted(response["Responses"][filled], key=lambda i: i["pk"]["S"])
    assert got == [{"pk": {"S": "1"}, "a": {"N": "1"}, "b": {"S": "x"}},
                   {"pk": {"S": "3"}, "a": {"N": "3"}, "b": {"S": "x"}}]
    assert response["UnprocessedKeys"] == {}


def test_all_missing_gives_empty_list(ddb: Any, filled: str) -> None:
    response = ddb.batch_get_item(RequestItems={filled: {"Keys": [key("x")]}})
    assert response["Responses"] == {filled: []}


def test_several_tables_with_own_projection(ddb: Any, filled: str,
                                            make_table: Callable[..., str]) -> None:
    other = make_table(range_key="sk", range_type="N")
    ddb.put_item(TableName=other, Item={"pk": {"S": "o"}, "sk": {"N": "1"}, "c": {"S": "z"}})
    response = ddb.batch_get_item(RequestItems={
        filled: {"Keys": [key("2")], "ProjectionExpression": "#a",
                 "ExpressionAttributeNames": {"#a": "a"}},
        other: {"Keys": [{"pk": {"S": "o"}, "sk": {"N": "1"}}], "AttributesToGet": ["c"],
                "ConsistentRead": True},
    })
    assert response["Responses"] == {filled: [{"a": {"N": "2"}}], other: [{"c": {"S": "z"}}]}


def test_consumed_capacity_per_table(ddb: Any, filled: str) -> None:
    response = ddb.batch_get_item(
        RequestItems={filled: {"Keys": [key("1"), key("2")], "ConsistentRead": True}},
        ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": filled, "CapacityUnits": 2.0}]


def test_eventually_consistent_capacity_is_half(ddb: Any, filled: str) -> None:
    response = ddb.batch_get_item(RequestItems={filled: {"Keys": [key("1"), key("2")]}},
                                  ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": filled, "CapacityUnits": 1.0}]


def test_hundred_keys_allowed(ddb: Any, filled: str) -> None:
    response = ddb.batch_get_item(RequestItems={filled: {"Keys": [key(str(i)) for i in range(100)]}})
    assert len(response["Responses"][filled]) == 5


def test_sixteen_megabytes_leaves_unprocessed_keys(ddb: Any, hash_table: str) -> None:
    blob = "z" * 399_000
    requests = [{"PutRequest": {"Item": {"pk": {"S": f"{i:03d}"}, "blob": {"S": blob}}}}
                for i in range(50)]
    for start in range(0, 50, 25):
        ddb.batch_write_item(RequestItems={hash_table: requests[start:start + 25]})
    keys = [key(f"{i:03d}") for i in range(50)]
    response = ddb.batch_get_item(RequestItems={
        hash_table: {"Keys": keys, "ProjectionExpression": "pk"}})
    returned = {i["pk"]["S"] for i in response["Responses"][hash_table]}
    left = response["UnprocessedKeys"][hash_table]
    assert left["ProjectionExpression"] == "pk"
    pending = {k["pk"]["S"] for k in left["Keys"]}
    assert returned and pending and not returned & pending
    assert returned | pending == {f"{i:03d}" for i in range(50)}
    again = ddb.batch_get_item(RequestItems=response["UnprocessedKeys"])
    assert {i["pk"]["S"] for i in again["Responses"][hash_table]} == pending


def test_too_many_keys_across_tables(ddb: Any, filled: str, make_table: Callable[..., str],
                                     invalid: Callable[..., Any]) -> None:
    other = make_table()
    invalid(ddb.batch_get_item, "Too many items requested for the BatchGetItem call",
            RequestItems={filled: {"Keys": [key(str(i)) for i in range(60)]},
                          other: {"Keys": [key(str(i)) for i in range(41)]}})


def test_too_many_keys_in_one_table(raw: Any, filled: str) -> None:
    status, body = raw.op("BatchGetItem", {"RequestItems": {
        filled: {"Keys": [key(str(i)) for i in range(101)]}}})
    keys = ", ".join(f"{{pk={{S={i}}}}}" for i in range(101))
    assert status == 400
    assert body["message"] == (
        f"1 validation error detected: Value '[{keys}]' at 'requestItems.{filled}.member.keys' "
        "failed to satisfy constraint: Member must have length less than or equal to 100")


def test_duplicate_keys(ddb: Any, filled: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_get_item, "Provided list of item keys contains duplicates",
            RequestItems={filled: {"Keys": [key("1"), key("2"), key("1")]}})


def test_key_not_matching_schema(ddb: Any, filled: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_get_item, "The provided key element does not match the schema",
            RequestItems={filled: {"Keys": [{"pk": {"N": "1"}}]}})


def test_missing_table(ddb: Any, filled: str, expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.batch_get_item, "ResourceNotFoundException", "Requested resource not found",
                 RequestItems={filled: {"Keys": [key("1")]}, "no-such-table": {"Keys": [key("1")]}})


def test_unused_expression_name(ddb: Any, filled: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_get_item, "Value provided in ExpressionAttributeNames unused in "
            "expressions: keys: {#b}", RequestItems={filled: {
                "Keys": [key("1")], "ProjectionExpression": "a",
                "ExpressionAttributeNames": {"#b": "b"}}})


def test_mixing_projection_and_attributes_to_get(ddb: Any, filled: str,
                                                 invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_get_item, "Can not use both expression and non-expression parameters in "
            "the same request: Non-expression parameters: {AttributesToGet} Expression "
            "parameters: {ProjectionExpression}", RequestItems={filled: {
                "Keys": [key("1")], "ProjectionExpression": "a", "AttributesToGet": ["a"]}})


def test_empty_keys_list(raw: Any, filled: str) -> None:
    status, body = raw.op("BatchGetItem", {"RequestItems": {filled: {"Keys": []}}})
    assert status == 400
    assert "failed to satisfy constraint: Member must have length greater than or equal to 1" in (
        body["message"])


def test_request_checked_before_any_table(ddb: Any, hash_table: str,
                                          invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_get_item, 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", '
            'near: ","', RequestItems={
                "no-such-table": {"Keys": [key("a")]},
                hash_table: {"Keys": [key("a")], "ProjectionExpression": "a,"}})
