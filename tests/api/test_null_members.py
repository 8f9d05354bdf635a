"""JSON nulls and misplaced values in requests, as AWS's deserialiser and validator treat them
(wire/validate.py): a null structure member is an absent one, a null list element or map value
breaks Coral's "must not be null" collection constraint, an AttributeValue that is not an object
is a SerializationException, and members the model does not name are ignored, however deep.
Each case here answered 500 before (issue 11 item 5); tests/api/test_fuzz_requests.py looks for
the rest of the class."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from server_support import Raw

VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"
DDB = "DynamoDB_20120810."
STREAMS = "DynamoDBStreams_20120810."
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t-none/stream/2020-01-01T00:00:00.000"


def null_element(path: str, value: str = "[null]") -> str:
    return (f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            "constraint: Member must satisfy constraint: [Member must not be null]")


def null_map_value(path: str, value: str) -> str:
    return (f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            "constraint: Map value must satisfy constraint: [Member must not be null]")


@pytest.fixture(scope="module")
def table(raw: Raw) -> Iterator[str]:
    name = "null-members"
    raw.op("CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    yield name
    raw.op("DeleteTable", {"TableName": name})


@pytest.mark.parametrize(("target", "body", "found"), [
    (DDB + "ListTables", {"Limit": None}, "TableNames"),
    (STREAMS + "ListStreams", {"Limit": None}, "Streams"),
])
def test_a_null_member_is_an_absent_one(raw: Raw, target: str, body: dict[str, Any],
                                        found: str) -> None:
    status, payload = raw.call(target, body)
    assert status == 200, payload
    assert found in payload


@pytest.mark.parametrize(("target", "body", "code"), [
    (STREAMS + "DescribeStream", {"StreamArn": STREAM_ARN, "Limit": None},
     "ResourceNotFoundException"),
    (STREAMS + "GetRecords", {"ShardIterator": "x" * 20, "Limit": None}, "ValidationException"),
])
def test_a_null_limit_reaches_the_operation_as_absent(raw: Raw, target: str,
                                                      body: dict[str, Any], code: str) -> None:
    status, payload = raw.call(target, body)
    assert status == 400
    assert payload["__type"].endswith(f"#{code}"), payload


def test_null_map_value_in_request_items(raw: Raw, table: str) -> None:
    status, payload = raw.op("BatchWriteItem", {"RequestItems": {table: None}})
    assert (status, payload) == (400, {"__type": VALIDATION, "message": null_map_value(
        "requestItems", f"{{{table}=null}}")})


def test_null_transact_statement(raw: Raw) -> None:
    status, payload = raw.op("ExecuteTransaction", {"TransactStatements": [None]})
    assert (status, payload) == (400, {"__type": VALIDATION,
                                       "message": null_element("transactStatements")})


@pytest.mark.parametrize("value", [None, "bare", 5])
def test_transact_put_with_a_value_that_is_not_an_attribute_value(raw: Raw, table: str,
                                                                  value: Any) -> None:
    status, payload = raw.op("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "v": value}}}]})
    assert (status, payload) == (400, {"__type": SERIALIZATION,
                                       "Message": "Unexpected value type in payload"})


def _nested(request: dict[str, Any], member: str, deep: str) -> str:
    """`request` as JSON with `deep` (JSON text nested past orjson's 254 levels) spliced in as
    the value of its string member `member` (a placeholder)."""
    return orjson.dumps(request).decode().replace(f'"{member}"', deep, 1)


def test_deeply_nested_unknown_member_with_a_client_request_token(raw: Raw, table: str) -> None:
    depth = 900
    body = _nested({"ClientRequestToken": "deep-token", "Unmodelled": "DEEP", "TransactItems": [
        {"Put": {"TableName": table, "Item": {"pk": {"S": "deep"}}}}]},
        "DEEP", "[" * depth + "]" * depth)
    for _ in range(2):  # the second is answered from the token's first response
        status, payload = raw.op("TransactWriteItems", body)
        assert (status, payload) == (200, {})


def test_deeply_nested_value_under_a_known_token_is_a_mismatch(raw: Raw, table: str) -> None:
    first = {"ClientRequestToken": "deeper-token", "TransactItems": [
        {"Put": {"TableName": table, "Item": {"pk": {"S": "deeper"}}}}]}
    assert raw.op("TransactWriteItems", first) == (200, {})
    first["TransactItems"][0]["Put"]["Item"]["v"] = "DEEP"  # type: ignore[index]
    nested = '{"M": {"a": ' * 450 + '{"S": "x"}' + "}}" * 450
    status, payload = raw.op("TransactWriteItems", _nested(first, "DEEP", nested))
    assert status == 400
    assert payload["__type"].endswith("#IdempotentParameterMismatchException")


@pytest.mark.parametrize(("operation", "body", "message"), [
    ("SendMessageBatch", {"QueueUrl": "http://localhost/000000000000/q", "Entries": [None]},
     null_element("entries")),
    ("TagQueue", {"QueueUrl": "http://localhost/000000000000/q", "Tags": {"k": None}},
     null_map_value("tags", "{k=null}")),
    ("CreateQueue", {"QueueName": "q", "tags": {"k": None}}, null_map_value("tags", "{k=null}")),
    ("SendMessage", {"QueueUrl": "http://localhost/000000000000/q", "MessageBody": "b",
                     "MessageAttributes": {"a": None}},
     null_map_value("messageAttributes", "{a=null}")),
])
def test_sqs_null_elements_and_values(raw: Raw, operation: str, body: dict[str, Any],
                                      message: str) -> None:
    status, payload = raw.call(f"AmazonSQS.{operation}", body)
    assert status == 400
    assert payload["__type"].endswith("#ValidationException")
    assert payload["message"] == message


@pytest.mark.parametrize("value", [{"S": None}, {"N": 5}, {"B": "!!"}, {"L": "x"}])
def test_transact_put_with_a_malformed_attribute_value(raw: Raw, table: str,
                                                        value: dict[str, Any]) -> None:
    """Found by the fuzz: the transaction's 4 MB size check met the value first (500)."""
    status, payload = raw.op("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "v": value}}}]})
    assert status == 400
    assert payload["__type"] in (VALIDATION, SERIALIZATION)
    single = raw.op("PutItem", {"TableName": table, "Item": {"pk": {"S": "a"}, "v": value}})
    assert (status, payload) == single
