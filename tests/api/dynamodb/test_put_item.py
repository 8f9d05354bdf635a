"""PutItem: create and replace, key checks, key sizes and the 400 KB item limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

INVALID = "One or more parameter values were invalid: "
MAX_ITEM = 400 * 1024


def get(ddb: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    return ddb.get_item(TableName=table, Key=key).get("Item")


def test_put_creates_then_replaces(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "x": {"S": "1"}, "y": {"S": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "z": {"S": "3"}})
    assert get(ddb, table, {"pk": {"S": "a"}}) == {"pk": {"S": "a"}, "z": {"S": "3"}}


def test_put_returns_empty_response(ddb: Any, table: str) -> None:
    response = ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    response.pop("ResponseMetadata")
    assert response == {}


def test_composite_keys_are_distinct_items(ddb: Any, range_table: str) -> None:
    for sk in ("1", "2", "10"):
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "a"}, "sk": {"N": sk},
                                                  "v": {"S": sk}})
    assert get(ddb, range_table, {"pk": {"S": "a"}, "sk": {"N": "10"}})["v"] == {"S": "10"}
    assert get(ddb, range_table, {"pk": {"S": "a"}, "sk": {"N": "3"}}) is None


@pytest.mark.parametrize("key_type", ["S", "N", "B"])
def test_every_key_type(ddb: Any, make_table: Callable[..., str], key_type: str) -> None:
    name = make_table(hash_type=key_type, range_key="sk", range_type=key_type)
    value = {"S": {"S": "x"}, "N": {"N": "-1.5"}, "B": {"B": b"\x00\xff"}}[key_type]
    ddb.put_item(TableName=name, Item={"pk": value, "sk": value, "v": {"S": "ok"}})
    assert get(ddb, name, {"pk": value, "sk": value})["v"] == {"S": "ok"}


@pytest.mark.parametrize(("item", "message"), [
    pytest.param({"x": {"S": "a"}}, INVALID + "Missing the key pk in the item", id="missing-key"),
    pytest.param({"pk": {"N": "1"}}, INVALID + "Type mismatch for key pk expected: S actual: N",
                 id="key-type"),
    pytest.param({"pk": {"SS": ["a"]}}, INVALID + "Type mismatch for key pk expected: S actual: SS",
                 id="set-key"),
    pytest.param({"pk": {"S": ""}}, "One or more parameter values are not valid. The "
                 "AttributeValue for a key attribute cannot contain an empty string value. "
                 "Key: pk", id="empty-string-key"),
    pytest.param({"pk": {"S": "a" * 2049}}, INVALID + "Size of hashkey has exceeded the maximum "
                 "size limit of2048 bytes", id="hash-key-too-big"),
])
def test_key_errors(ddb: Any, table: str, invalid: Any, item: dict[str, Any],
                    message: str) -> None:
    invalid(ddb.put_item, message, TableName=table, Item=item)


def test_hash_key_of_2048_bytes_is_allowed(ddb: Any, table: str) -> None:
    key = {"pk": {"S": "é" * 1024}}
    ddb.put_item(TableName=table, Item=key)
    assert get(ddb, table, key) == key


def test_empty_binary_key_is_rejected(ddb: Any, make_table: Callable[..., str],
                                      invalid: Any) -> None:
    name = make_table(hash_type="B")
    invalid(ddb.put_item, "One or more parameter values are not valid. The AttributeValue for a "
            "key attribute cannot contain an empty binary value. Key: pk",
            TableName=name, Item={"pk": {"B": b""}})


def test_range_key_size_limit(ddb: Any, make_table: Callable[..., str], invalid: Any) -> None:
    name = make_table(range_key="sk")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b" * 1024}})
    invalid(ddb.put_item, INVALID + "Aggregated size of all range keys has exceeded the size "
            "limit of 1024 bytes", TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b" * 1025}})


def test_item_of_exactly_400_kb_is_accepted(ddb: Any, table: str) -> None:
    # pk(2) + "k"(1) + b(1) + value
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "b": {"S": "x" * (MAX_ITEM - 4)}})
    assert ddb.describe_table(TableName=table)["Table"]["TableSizeBytes"] == MAX_ITEM


def test_item_over_400_kb_is_rejected(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.put_item, "Item size has exceeded the maximum allowed size", TableName=table,
            Item={"pk": {"S": "k"}, "b": {"S": "x" * (MAX_ITEM - 3)}})


def test_item_size_counts_attribute_names(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.put_item, "Item size has exceeded the maximum allowed size", TableName=table,
            Item={"pk": {"S": "k"}, "b" * 100: {"S": "x" * (MAX_ITEM - 100)}})


def test_put_to_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.put_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName="nothere", Item={"pk": {"S": "a"}})


def test_invalid_value_reported_before_missing_table(ddb: Any, invalid: Any) -> None:
    invalid(ddb.put_item, INVALID + "An string set  may not be empty", TableName="nothere",
            Item={"pk": {"S": "a"}, "s": {"SS": []}})


def test_missing_item_member(raw: Any, table: str) -> None:
    status, body = raw.op("PutItem", {"TableName": table})
    assert status == 400
    assert body["message"] == ("1 validation error detected: Value null at 'item' failed to "
                               "satisfy constraint: Member must not be null")


@pytest.mark.parametrize(("number", "size"), [
    ("1" * 38 + "0" * 88, 20),
    ("1" + "0" * 125, 2),
    ("11" + "0" * 124, 2),
    ("11111" + "0" * 121, 4),
    ("111111" + "0" * 120, 4),
    ("1111111" + "0" * 119, 5),
    ("-0.00000000000000000000000000000000000000000000000000000000000000000000001", 2),
])
def test_item_limit_counts_number_sizes(ddb: Any, table: str, invalid: Any, number: str,
                                        size: int) -> None:
    # pk(2) + "k"(1) + b(1) + c(1) + number bytes + padding == the limit exactly
    padding = MAX_ITEM - 5 - size
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "b": {"S": "x" * padding},
                                        "c": {"N": number}})
    invalid(ddb.put_item, "Item size has exceeded the maximum allowed size", TableName=table,
            Item={"pk": {"S": "k"}, "b": {"S": "x" * (padding + 1)}, "c": {"N": number}})


def test_binary_key_size_limits(ddb: Any, make_table: Callable[..., str], invalid: Any) -> None:
    name = make_table(hash_type="B", range_key="sk", range_type="B")
    ddb.put_item(TableName=name, Item={"pk": {"B": b"\x00" * 2048}, "sk": {"B": b"\x01" * 1024}})
    invalid(ddb.put_item, INVALID + "Size of hashkey has exceeded the maximum size limit of2048 "
            "bytes", TableName=name, Item={"pk": {"B": b"\x00" * 2049}, "sk": {"B": b"\x01"}})
    invalid(ddb.put_item, INVALID + "Aggregated size of all range keys has exceeded the size "
            "limit of 1024 bytes", TableName=name,
            Item={"pk": {"B": b"\x00"}, "sk": {"B": b"\x01" * 1025}})


def test_empty_range_key(ddb: Any, range_table: str, make_table: Callable[..., str],
                         invalid: Any) -> None:
    name = make_table(range_key="sk")
    invalid(ddb.put_item, "One or more parameter values are not valid. The AttributeValue for a "
            "key attribute cannot contain an empty string value. Key: sk", TableName=name,
            Item={"pk": {"S": "a"}, "sk": {"S": ""}})


def test_get_item_checks_key_sizes(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.get_item, INVALID + "Size of hashkey has exceeded the maximum size limit of2048 "
            "bytes", TableName=table, Key={"pk": {"S": "a" * 2049}})


def test_number_keys_have_no_size_limit(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table(hash_type="N")
    key = {"pk": {"N": "-" + "9" * 38 + "e-130"}}
    ddb.put_item(TableName=name, Item=key)
    assert ddb.get_item(TableName=name, Key=key)["Item"]["pk"] == {
        "N": "-0." + "0" * 92 + "9" * 38}


def test_empty_strings_allowed_outside_keys(ddb: Any, table: str) -> None:
    item = {"pk": {"S": "a"}, "s": {"S": ""}, "b": {"B": b""}, "ss": {"SS": ["", "x"]},
            "m": {"M": {"e": {"S": ""}}}}
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]
    assert got["s"] == {"S": ""} and got["m"] == {"M": {"e": {"S": ""}}}
    assert sorted(got["ss"]["SS"]) == ["", "x"]
