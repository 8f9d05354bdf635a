"""Every attribute type round-trips through PutItem/GetItem, and malformed values get AWS's
errors (wording from dynalite's test/putItem.js, recorded against AWS)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize("value", [
    pytest.param({"S": "héllo ☃"}, id="S"),
    pytest.param({"S": ""}, id="S-empty"),
    pytest.param({"N": "-12.5"}, id="N"),
    pytest.param({"B": b"\x00\x01\xff"}, id="B"),
    pytest.param({"B": b""}, id="B-empty"),
    pytest.param({"BOOL": True}, id="BOOL-true"),
    pytest.param({"BOOL": False}, id="BOOL-false"),
    pytest.param({"NULL": True}, id="NULL"),
    pytest.param({"M": {"a": {"S": "x"}, "b": {"M": {"c": {"N": "1"}}}}}, id="M"),
    pytest.param({"M": {}}, id="M-empty"),
    pytest.param({"L": [{"S": "x"}, {"N": "2"}, {"L": [{"BOOL": False}]}, {"NULL": True}]},
                 id="L"),
    pytest.param({"L": []}, id="L-empty"),
    pytest.param({"SS": ["a", "b", "c"]}, id="SS"),
    pytest.param({"NS": ["1", "2.5", "-3"]}, id="NS"),
    pytest.param({"BS": [b"\x01", b"\x02"]}, id="BS"),
])
def test_round_trip(ddb: Any, table: str, value: dict[str, Any]) -> None:
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": value})
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]
    stored = item["v"]
    if "SS" in value or "NS" in value or "BS" in value:
        tag = next(iter(value))
        assert sorted(stored[tag]) == sorted(value[tag])
    else:
        assert stored == value


def test_nested_documents_keep_every_type(ddb: Any, table: str) -> None:
    document = {"M": {"list": {"L": [{"M": {"ss": {"SS": ["x"]}, "b": {"B": b"hi"}}}]},
                      "flag": {"BOOL": True}}}
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "doc": document})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]["doc"] == document


@pytest.mark.parametrize(("value", "message"), [
    pytest.param({}, "Supplied AttributeValue is empty, must contain exactly one of the supported "
                 "datatypes", id="no-type"),
    pytest.param({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, "
                 "must contain exactly one of the supported datatypes", id="two-types"),
    pytest.param({"NULL": False}, INVALID + "Null attribute value types must have the value of "
                 "true", id="null-false"),
    pytest.param({"SS": []}, INVALID + "An string set  may not be empty", id="empty-SS"),
    pytest.param({"NS": []}, INVALID + "An number set  may not be empty", id="empty-NS"),
    pytest.param({"BS": []}, INVALID + "Binary sets should not be empty", id="empty-BS"),
    pytest.param({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates.",
                 id="duplicate-SS"),
    pytest.param({"NS": ["1", "1"]}, "Input collection contains duplicates", id="duplicate-NS"),
    pytest.param({"NS": ["1", "1.0"]}, "Input collection contains duplicates",
                 id="duplicate-NS-equal-value"),
    pytest.param({"BS": ["Yg==", "Yg=="]},
                 INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates.",
                 id="duplicate-BS"),
    pytest.param({"M": {"a": {}}}, "Supplied AttributeValue is empty, must contain exactly one of "
                 "the supported datatypes", id="empty-in-map"),
    pytest.param({"L": [{"NULL": False}]}, INVALID + "Null attribute value types must have the "
                 "value of true", id="bad-in-list"),
    pytest.param({"NS": ["1", "b", "a"]}, "The parameter cannot be converted to a numeric value: b",
                 id="NS-not-numeric"),
])
def test_malformed_values(raw: Any, table: str, value: dict[str, Any], message: str) -> None:
    status, body = raw.op("PutItem", {"TableName": table,
                                      "Item": {"pk": {"S": "k"}, "v": value}})
    assert (status, body["__type"].rsplit("#", 1)[1]) == (400, "ValidationException")
    assert body["message"] == message


MAP_OF_VALUES = ("java.util.Map<java.lang.String, "
                 "com.amazonaws.dynamodb.v20120810.AttributeValue>")


@pytest.mark.parametrize(("value", "message"), [
    pytest.param({"S": 1}, "NUMBER_VALUE cannot be converted to String", id="S-int"),
    pytest.param({"S": 1.5}, "DECIMAL_VALUE cannot be converted to String", id="S-decimal"),
    pytest.param({"S": True}, "TRUE_VALUE cannot be converted to String", id="S-true"),
    pytest.param({"N": False}, "FALSE_VALUE cannot be converted to String", id="N-false"),
    pytest.param({"S": []}, "Unrecognized collection type class java.lang.String", id="S-list"),
    pytest.param({"S": {}}, "Start of structure or map found where not expected", id="S-map"),
    pytest.param({"B": 5}, "only base-64-encoded strings are convertible to bytes", id="B-int"),
    pytest.param({"B": []}, "Unrecognized collection type class java.nio.ByteBuffer",
                 id="B-list"),
    pytest.param({"B": "YQ"}, "Base64 encoded length is expected a multiple of 4 bytes but "
                 "found: 2", id="B-length"),
    pytest.param({"B": "=+/="}, "Invalid last non-pad Base64 character dectected",
                 id="B-misplaced-pad"),
    pytest.param({"B": "+/+="}, "Invalid last non-pad Base64 character dectected",
                 id="B-last-char"),
    pytest.param({"BOOL": "yes"}, "Unexpected token received from parser", id="BOOL-str"),
    pytest.param({"BOOL": 23}, "NUMBER_VALUE cannot be converted to Boolean", id="BOOL-int"),
    pytest.param({"NULL": []}, "Unrecognized collection type class java.lang.Boolean",
                 id="NULL-list"),
    pytest.param({"L": {}}, "Start of structure or map found where not expected", id="L-map"),
    pytest.param({"L": "x"}, "Unexpected field type", id="L-str"),
    pytest.param({"SS": 23}, "Unexpected field type", id="SS-int"),
    pytest.param({"M": []}, f"Unrecognized collection type {MAP_OF_VALUES}", id="M-list"),
    pytest.param({"M": True}, "Unexpected field type", id="M-bool"),
    pytest.param({"L": [23]}, "Unexpected value type in payload", id="L-element-int"),
    pytest.param({"M": {"a": []}}, "Unrecognized collection type "
                 "class com.amazonaws.dynamodb.v20120810.AttributeValue", id="M-value-list"),
])
def test_wrongly_typed_values_are_serialization_errors(raw: Any, table: str,
                                                       value: dict[str, Any],
                                                       message: str) -> None:
    status, body = raw.op("PutItem", {"TableName": table,
                                      "Item": {"pk": {"S": "k"}, "v": value}})
    assert (status, body["__type"]) == (400, "com.amazon.coral.service#SerializationException")
    assert body["Message"] == message


def test_binary_is_returned_base64_on_the_wire(raw: Any, table: str) -> None:
    blob = base64.b64encode(b"\xde\xad\xbe\xef").decode()
    raw.op("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "b": {"B": blob}}})
    status, body = raw.op("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}}})
    assert status == 200
    assert body["Item"]["b"] == {"B": blob}


def test_nesting_limit_is_32_levels(raw: Any, table: str) -> None:
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(32):
        value = {"L": [value]}
    status, body = raw.op("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "v": value}})
    assert status == 400
    assert body["message"] == ("Nesting Levels have exceeded supported limits: Attributes in the "
                               "item have nested levels beyond supported limit")
    status, _ = raw.op("PutItem", {"TableName": table,
                                   "Item": {"pk": {"S": "k"}, "v": value["L"][0]}})
    assert status == 200


@pytest.mark.parametrize(("value", "message"), [
    (23, "Unexpected value type in payload"),
    ("x", "Unexpected value type in payload"),
    ([], "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
])
def test_attribute_that_is_not_an_object(raw: Any, table: str, value: Any,
                                         message: str) -> None:
    status, body = raw.op("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "v": value}})
    assert (status, body) == (400, {"__type": "com.amazon.coral.service#SerializationException",
                                    "Message": message})
