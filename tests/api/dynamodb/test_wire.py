"""The JSON 1.0 wire: error shapes and statuses, serialization and unknown-operation errors,
model validation wording (maxima included), the plain endpoints, and account/region scoping
from the SigV4 credential."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

import orjson
import pytest

SERIALIZATION = "com.amazon.coral.service#SerializationException"
UNKNOWN = "com.amazon.coral.service#UnknownOperationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"


@pytest.mark.parametrize("body", ["hi", "{", '{"TableName": }', "\xff"])
def test_malformed_json_is_serialization_exception(raw: Any, body: str) -> None:
    status, payload = raw.op("ListTables", body)
    assert (status, payload) == (400, {"__type": SERIALIZATION})


@pytest.mark.parametrize("target", ["DynamoDB_20120810.ListTable", "DynamoDB_20120810.",
                                    "whatever", "DynamoDB_20111205.ListTables"])
def test_unknown_target_is_unknown_operation(raw: Any, target: str) -> None:
    status, payload = raw.call(target, b"{}")
    assert (status, payload) == (400, {"__type": UNKNOWN})


def test_error_responses_carry_aws_headers(raw: Any) -> None:
    response = raw.http.request(
        "POST", raw.endpoint + "/", body=b'{"TableName": "nothere"}',
        headers={"Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    assert response.status == 400
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert response.headers["x-amzn-requestid"]
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(response.data))
    assert orjson.loads(response.data) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found: Table: nothere not found"}


def test_success_carries_crc32_and_request_id(raw: Any) -> None:
    response = raw.http.request(
        "POST", raw.endpoint + "/", body=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert response.status == 200
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(response.data))
    # AWS's request ids are 52 upper-case alphanumerics (dynalite test/connection.js).
    assert re.fullmatch(r"[0-9A-Z]{52}", response.headers["x-amzn-requestid"])
    assert "TableNames" in orjson.loads(response.data)


def test_request_ids_are_unique(raw: Any) -> None:
    ids = {raw.http.request("POST", raw.endpoint + "/", body=b"{}", headers={
        "X-Amz-Target": "DynamoDB_20120810.ListTables"}).headers["x-amzn-requestid"]
        for _ in range(3)}
    assert len(ids) == 3


def test_validation_errors_use_coral_namespace(raw: Any) -> None:
    status, payload = raw.op("DescribeTable", {})
    assert status == 400
    assert payload == {"__type": VALIDATION, "message": (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null")}


@pytest.mark.parametrize(("operation", "body", "message"), [
    ("DescribeTable", {"TableName": "a" * 256},
     f"1 validation error detected: Value '{'a' * 256}' at 'tableName' failed to satisfy "
     "constraint: Member must have length less than or equal to 255"),
    ("DescribeTable", {"TableName": ""},
     "2 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member "
     "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'tableName' failed "
     "to satisfy constraint: Member must have length greater than or equal to 3"),
    ("PutItem", {},
     "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: "
     "Member must not be null; Value null at 'item' failed to satisfy constraint: Member must "
     "not be null"),
    ("ListTables", {"Limit": 1000},
     "1 validation error detected: Value '1000' at 'limit' failed to satisfy constraint: Member "
     "must have value less than or equal to 100"),
    ("CreateTable", {"TableName": "abc", "BillingMode": "PAY_PER_REQUEST",
                     "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
                     "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
                     "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}},
     "2 validation errors detected: Value '0' at 'provisionedThroughput.readCapacityUnits' "
     "failed to satisfy constraint: Member must have value greater than or equal to 1; Value "
     "'0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member "
     "must have value greater than or equal to 1"),
    ("CreateTable", {"TableName": "abc", "BillingMode": "PAY_PER_REQUEST",
                     "KeySchema": [{"AttributeName": "", "KeyType": "Woop"}],
                     "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]},
     "2 validation errors detected: Value '' at 'keySchema.1.member.attributeName' failed to "
     "satisfy constraint: Member must have length greater than or equal to 1; Value 'Woop' at "
     "'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value "
     "set: [HASH, RANGE]"),
    ("GetItem", {"TableName": "abc", "Key": {"a": {"S": "x"}}, "ReturnConsumedCapacity": "ALL"},
     "1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy "
     "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
])
def test_model_validation_messages(raw: Any, operation: str, body: dict[str, Any],
                                   message: str) -> None:
    status, payload = raw.op(operation, body)
    assert (status, payload["__type"]) == (400, VALIDATION)
    assert payload["message"] == message


def test_at_most_ten_errors_are_reported(raw: Any) -> None:
    definitions = [{}] * 12
    status, payload = raw.op("CreateTable", {
        "TableName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
        "AttributeDefinitions": definitions, "BillingMode": "PAY_PER_REQUEST"})
    assert status == 400
    assert payload["message"].startswith("10 validation errors detected: ")
    assert payload["message"].count("Member must not be null") == 10


@pytest.mark.parametrize(("operation", "body", "message"), [
    ("DescribeTable", {"TableName": 5}, "NUMBER_VALUE cannot be converted to String"),
    ("DescribeTable", {"TableName": 5.5}, "DECIMAL_VALUE cannot be converted to String"),
    ("DescribeTable", {"TableName": False}, "FALSE_VALUE cannot be converted to String"),
    ("DescribeTable", {"TableName": ["abc"]}, "Unrecognized collection type class "
     "java.lang.String"),
    ("DescribeTable", {"TableName": {}}, "Start of structure or map found where not expected"),
    ("ListTables", {"Limit": "ten"}, "STRING_VALUE cannot be converted to Integer"),
    ("ListTables", {"Limit": True}, "TRUE_VALUE cannot be converted to Integer"),
    ("ListTables", {"Limit": []}, "Unrecognized collection type class java.lang.Integer"),
    ("GetItem", {"TableName": "abc", "Key": {}, "ConsistentRead": "yes"},
     "Unexpected token received from parser"),
    ("CreateTable", {"ProvisionedThroughput": []}, "Unrecognized collection type class "
     "com.amazonaws.dynamodb.v20120810.ProvisionedThroughput"),
    ("CreateTable", {"ProvisionedThroughput": 5}, "Unexpected field type"),
    ("CreateTable", {"KeySchema": "x"}, "Unexpected field type"),
    ("CreateTable", {"KeySchema": {}}, "Start of structure or map found where not expected"),
    ("PutItem", {"Item": []}, "Unrecognized collection type java.util.Map<java.lang.String, "
     "com.amazonaws.dynamodb.v20120810.AttributeValue>"),
    ("PutItem", {"Item": "x"}, "Unexpected field type"),
    ("GetItem", {"ExpressionAttributeNames": []}, "Unrecognized collection type "
     "java.util.Map<java.lang.String, java.lang.String>"),
])
def test_wrongly_typed_members(raw: Any, operation: str, body: dict[str, Any],
                               message: str) -> None:
    status, payload = raw.op(operation, body)
    # The deserialiser capitalises its member ("Message"), unlike the service's own errors.
    assert (status, payload) == (400, {"__type": SERIALIZATION, "Message": message})


def test_get_root_answers_like_dynamodb(raw: Any) -> None:
    response = raw.get("/")
    assert response.status == 200
    assert response.data.decode().startswith("healthy: dynamodb.us-east-1.amazonaws.com")


def test_health_endpoint(raw: Any) -> None:
    response = raw.get("/_headwater/health")
    assert response.status == 200
    body = orjson.loads(response.data)
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]


def test_unsigned_requests_use_default_account(raw: Any, table: str) -> None:
    status, payload = raw.op("DescribeTable", {"TableName": table})
    assert status == 200
    assert payload["Table"]["TableArn"].split(":")[3:5] == ["us-east-1", "000000000000"]


def test_twelve_digit_access_key_is_the_account(other_client: Callable[..., Any],
                                                table_in: Callable[[Any], str]) -> None:
    ddb = other_client("123456789012")
    name = table_in(ddb)
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"


def test_other_access_keys_use_default_account(other_client: Callable[..., Any],
                                               table_in: Callable[[Any], str]) -> None:
    ddb = other_client("AKIAEXAMPLE12")
    name = table_in(ddb)
    assert ":000000000000:" in ddb.describe_table(TableName=name)["Table"]["TableArn"]


def test_region_comes_from_the_client(other_client: Callable[..., Any],
                                      table_in: Callable[[Any], str]) -> None:
    ddb = other_client(region="eu-west-1")
    name = table_in(ddb)
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn.startswith("arn:aws:dynamodb:eu-west-1:000000000000:table/")


@pytest.mark.parametrize(("access_key", "region"), [("111111111111", "us-east-1"),
                                                    ("AKIDTEST", "ap-south-1")])
def test_tables_are_invisible_across_accounts_and_regions(
        ddb: Any, other_client: Callable[..., Any], table_in: Callable[[Any], str],
        expect_error: Any, access_key: str, region: str) -> None:
    other = other_client(access_key, region)
    name = table_in(other)
    other.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert name in other.list_tables()["TableNames"]
    assert name not in ddb.list_tables()["TableNames"]
    expect_error(ddb.describe_table, "ResourceNotFoundException",
                 f"Requested resource not found: Table: {name} not found", TableName=name)
    expect_error(ddb.get_item, "ResourceNotFoundException", "Requested resource not found",
                 TableName=name, Key={"pk": {"S": "a"}})


def test_same_name_in_two_regions_are_separate_tables(
        other_client: Callable[..., Any], unique: Callable[[str], str]) -> None:
    east, west = other_client(region="us-east-2"), other_client(region="us-west-2")
    name = unique("tbl")
    spec = dict(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST")
    east.create_table(**spec)
    west.create_table(**spec)
    try:
        east.put_item(TableName=name, Item={"pk": {"S": "a"}, "where": {"S": "east"}})
        assert "Item" not in west.get_item(TableName=name, Key={"pk": {"S": "a"}})
        assert east.describe_table(TableName=name)["Table"]["ItemCount"] == 1
        assert west.describe_table(TableName=name)["Table"]["ItemCount"] == 0
    finally:
        east.delete_table(TableName=name)
        west.delete_table(TableName=name)


def test_post_without_target_is_unknown_operation(raw: Any) -> None:
    response = raw.http.request("POST", raw.endpoint + "/", body=b"{}",
                                headers={"Content-Type": "application/x-amz-json-1.0"})
    assert response.status == 400
    assert orjson.loads(response.data) == {"__type": UNKNOWN}


def test_malformed_json_wins_over_unknown_prefix(raw: Any) -> None:
    status, payload = raw.call("whatever", b"hi")
    assert (status, payload) == (400, {"__type": SERIALIZATION})
