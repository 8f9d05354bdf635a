"""GetItem: found and missing items, key validation, ConsistentRead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

KEY_MISMATCH = "The provided key element does not match the schema"


def test_missing_item_has_no_item_member(ddb: Any, table: str) -> None:
    response = ddb.get_item(TableName=table, Key={"pk": {"S": "none"}})
    assert "Item" not in response


def test_get_after_put(ddb: Any, table: str) -> None:
    item = {"pk": {"S": "a"}, "v": {"L": [{"S": "x"}]}}
    ddb.put_item(TableName=table, Item=item)
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}}, ConsistentRead=True)["Item"] == item


@pytest.mark.parametrize("key", [
    pytest.param({}, id="empty"),
    pytest.param({"other": {"S": "a"}}, id="wrong-name"),
    pytest.param({"pk": {"N": "1"}}, id="wrong-type"),
    pytest.param({"pk": {"S": "a"}, "x": {"S": "b"}}, id="extra-attribute"),
])
def test_key_must_match_schema(ddb: Any, table: str, invalid: Any, key: dict[str, Any]) -> None:
    invalid(ddb.get_item, KEY_MISMATCH, TableName=table, Key=key)


def test_composite_key_needs_both_parts(ddb: Any, range_table: str, invalid: Any) -> None:
    invalid(ddb.get_item, KEY_MISMATCH, TableName=range_table, Key={"pk": {"S": "a"}})


def test_empty_string_key(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.get_item, "One or more parameter values are not valid. The AttributeValue for a "
            "key attribute cannot contain an empty string value. Key: pk",
            TableName=table, Key={"pk": {"S": ""}})


def test_number_key_is_found_by_any_spelling(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table(hash_type="N")
    ddb.put_item(TableName=name, Item={"pk": {"N": "100"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"N": "1E2"}})["Item"] == {"pk": {"N": "100"}}


def test_get_from_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.get_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName="nothere", Key={"pk": {"S": "a"}})


def test_missing_key_member(raw: Any, table: str) -> None:
    status, body = raw.op("GetItem", {"TableName": table})
    assert status == 400
    assert body["message"] == ("1 validation error detected: Value null at 'key' failed to "
                               "satisfy constraint: Member must not be null")


def test_projection_errors_come_before_missing_table(ddb: Any, invalid: Any) -> None:
    invalid(ddb.get_item, "Invalid ProjectionExpression: The expression can not be empty;",
            TableName="nothere", Key={"pk": {"S": "a"}}, ProjectionExpression="")
