"""BatchWriteItem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def put(pk: str, **attributes: Any) -> dict[str, Any]:
    return {"PutRequest": {"Item": {"pk": {"S": pk}, **attributes}}}


def delete(pk: str) -> dict[str, Any]:
    return {"DeleteRequest": {"Key": {"pk": {"S": pk}}}}


def stored(ddb: Any, table: str) -> list[str]:
    return sorted(i["pk"]["S"] for i in ddb.scan(TableName=table)["Items"])


def test_puts_and_deletes(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "old"}})
    response = ddb.batch_write_item(RequestItems={hash_table: [put("a"), put("b"), delete("old"),
                                                               delete("never")]})
    assert response["UnprocessedItems"] == {}
    assert stored(ddb, hash_table) == ["a", "b"]


def test_put_replaces_whole_item(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "a"}, "x": {"S": "1"}})
    ddb.batch_write_item(RequestItems={hash_table: [put("a", y={"N": "2"})]})
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"}, "y": {"N": "2"}}


def test_several_tables(ddb: Any, hash_table: str, make_table: Callable[..., str]) -> None:
    other = make_table()
    ddb.batch_write_item(RequestItems={hash_table: [put("a")], other: [put("b"), put("c")]})
    assert stored(ddb, hash_table) == ["a"] and stored(ddb, other) == ["b", "c"]


def test_twenty_five_requests(ddb: Any, hash_table: str) -> None:
    ddb.batch_write_item(RequestItems={hash_table: [put(str(i)) for i in range(25)]})
    assert len(stored(ddb, hash_table)) == 25


def test_numbers_are_normalised(ddb: Any, hash_table: str) -> None:
    ddb.batch_write_item(RequestItems={hash_table: [put("a", n={"N": "01.50"})]})
    assert ddb.get_item(TableName=hash_table, Key={"pk": {"S": "a"}})["Item"]["n"] == {"N": "1.5"}


def test_consumed_capacity(ddb: Any, hash_table: str, make_table: Callable[..., str]) -> None:
    other = make_table()
    response = ddb.batch_write_item(
        RequestItems={hash_table: [put("a"), put("b", big={"S": "x" * 1500})], other: [put("c")]},
        ReturnConsumedCapacity="TOTAL")
    assert sorted(response["ConsumedCapacity"], key=lambda c: c["TableName"] != hash_table) == [
        {"TableName": hash_table, "CapacityUnits": 3.0}, {"TableName": other, "CapacityUnits": 1.0}]


def test_too_many_requests_across_tables(ddb: Any, hash_table: str,
                                         make_table: Callable[..., str],
                                         invalid: Callable[..., Any]) -> None:
    other = make_table()
    invalid(ddb.batch_write_item, "Too many items requested for the BatchWriteItem call",
            RequestItems={hash_table: [put(str(i)) for i in range(20)],
                          other: [put(str(i)) for i in range(6)]})


MAP_VALUE = ("failed to satisfy constraint: Map value must satisfy constraint: [Member must "
             "have length less than or equal to 25, Member must have length greater than or "
             "equal to 1]")


@pytest.mark.parametrize("count", [26, 0])
def test_writes_per_table_outside_one_to_25(raw: Any, hash_table: str, count: int) -> None:
    # AWS reports the whole RequestItems map (its words recorded in a user's log, 2023).
    status, body = raw.op("BatchWriteItem", {"RequestItems": {
        hash_table: [put(str(i)) for i in range(count)]}})
    writes = ", ".join(f"{{PutRequest={{Item={{pk={{S={i}}}}}}}}}" for i in range(count))
    assert status == 400
    assert body["message"] == (f"1 validation error detected: Value '{{{hash_table}=[{writes}]}}' "
                               f"at 'requestItems' {MAP_VALUE}")


@pytest.mark.parametrize("requests", [
    [put("a"), put("a")],
    [put("a"), delete("a")],
    [delete("a"), delete("a")],
])
def test_duplicate_keys(ddb: Any, hash_table: str, invalid: Callable[..., Any],
                        requests: list[dict[str, Any]]) -> None:
    invalid(ddb.batch_write_item, "Provided list of item keys contains duplicates",
            RequestItems={hash_table: requests})
    assert stored(ddb, hash_table) == []


def test_duplicate_keys_with_range(ddb: Any, make_table: Callable[..., str],
                                   invalid: Callable[..., Any]) -> None:
    table = make_table(range_key="sk", range_type="N")
    item = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    same = {"pk": {"S": "a"}, "sk": {"N": "1.0"}}
    invalid(ddb.batch_write_item, "Provided list of item keys contains duplicates",
            RequestItems={table: [{"PutRequest": {"Item": item}},
                                  {"DeleteRequest": {"Key": same}}]})


@pytest.mark.parametrize("request_entry", [
    {},
    {"PutRequest": {"Item": {"pk": {"S": "a"}}}, "DeleteRequest": {"Key": {"pk": {"S": "b"}}}},
])
def test_request_with_neither_or_both(ddb: Any, hash_table: str, invalid: Callable[..., Any],
                                      request_entry: dict[str, Any]) -> None:
    invalid(ddb.batch_write_item, "Supplied AttributeValue has more than one datatypes set, must "
            "contain exactly one of the supported datatypes",
            RequestItems={hash_table: [request_entry]})


def test_put_missing_key(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_write_item, "One or more parameter values were invalid: Missing the key pk "
            "in the item", RequestItems={hash_table: [{"PutRequest": {"Item": {"x": {"S": "1"}}}}]})


def test_delete_key_not_matching_schema(ddb: Any, hash_table: str,
                                        invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_write_item, "The provided key element does not match the schema",
            RequestItems={hash_table: [{"DeleteRequest": {"Key": {"pk": {"S": "a"},
                                                                  "x": {"S": "b"}}}}]})


def test_item_too_large_rejects_whole_batch(ddb: Any, hash_table: str,
                                            invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_write_item, "Item size has exceeded the maximum allowed size",
            RequestItems={hash_table: [put("ok"), put("big", blob={"S": "x" * 410_000})]})
    assert stored(ddb, hash_table) == []


def test_missing_table_writes_nothing(ddb: Any, hash_table: str,
                                      expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.batch_write_item, "ResourceNotFoundException", "Requested resource not found",
                 RequestItems={hash_table: [put("a")], "no-such-table": [put("b")]})
    assert stored(ddb, hash_table) == []


def test_bad_attribute_value(ddb: Any, hash_table: str, invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_write_item, "One or more parameter values were invalid: An number set  may "
            "not be empty", RequestItems={hash_table: [put("a", s={"NS": []})]})


def test_request_checked_before_any_table(ddb: Any, hash_table: str,
                                          invalid: Callable[..., Any]) -> None:
    invalid(ddb.batch_write_item, "One or more parameter values were invalid: An number set  "
            "may not be empty", RequestItems={
                "no-such-table": [put("a")],
                hash_table: [put("b", ns={"NS": []})]})
