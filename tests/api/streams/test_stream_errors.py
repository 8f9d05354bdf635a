"""Every Streams error (aws-facts §1.2-1.5, §1.8): codes, HTTP status and messages."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import create_stream_table, error_of, new_name

GOOD_LABEL = "2015-05-20T20:51:10.252"
UNKNOWN_ARN = f"arn:aws:dynamodb:us-east-1:000000000000:table/nope-table/stream/{GOOD_LABEL}"
UNKNOWN_SHARD = "shardId-00000001414562045508-2bac9cd2"


@pytest.fixture(scope="module")
def stream(ddb: Any, streams: Any) -> tuple[str, str, str]:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return name, arn, shard


def test_unknown_stream(streams: Any) -> None:
    expected = ("ResourceNotFoundException",
                f"Requested resource not found: Stream: {UNKNOWN_ARN} not found", 400)
    assert error_of(lambda: streams.describe_stream(StreamArn=UNKNOWN_ARN)) == expected
    assert error_of(lambda: streams.get_shard_iterator(
        StreamArn=UNKNOWN_ARN, ShardId=UNKNOWN_SHARD, ShardIteratorType="LATEST")) == expected


def test_unknown_shard(streams: Any, stream: tuple[str, str, str]) -> None:
    _, arn, _ = stream
    assert error_of(lambda: streams.get_shard_iterator(
        StreamArn=arn, ShardId=UNKNOWN_SHARD, ShardIteratorType="TRIM_HORIZON")) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Shard: {UNKNOWN_SHARD} in Stream: {arn} not found", 400)


def test_list_streams_unknown_table(streams: Any) -> None:
    name = new_name()
    assert error_of(lambda: streams.list_streams(TableName=name)) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found", 400)


def test_list_streams_table_without_stream(ddb: Any, streams: Any,
                                           make_table: Any) -> None:
    assert streams.list_streams(TableName=make_table())["Streams"] == []


@pytest.mark.parametrize("arn", [
    "arn:aws:dynamodb:us-east-1:000000000000:table/some-table",
    "arn:aws:dynamodb:us-east-1:000000000000:table/some-table/stream/yesterday",
    "arn:aws:s3:us-east-1:000000000000:table/some-table/stream/" + GOOD_LABEL,
    "x" * 40,
])
def test_malformed_arns(streams: Any, arn: str) -> None:
    for call in (lambda: streams.describe_stream(StreamArn=arn),
                 lambda: streams.get_shard_iterator(StreamArn=arn, ShardId=UNKNOWN_SHARD,
                                                    ShardIteratorType="LATEST"),
                 lambda: streams.list_streams(ExclusiveStartStreamArn=arn)):
        code, _, status = error_of(call)
        assert (code, status) == ("ValidationException", 400)


@pytest.mark.parametrize(("kind", "sequence"), [
    ("AT_SEQUENCE_NUMBER", None),
    ("AFTER_SEQUENCE_NUMBER", None),
    ("TRIM_HORIZON", "100000000000000000001"),
    ("LATEST", "100000000000000000001"),
    ("AT_SEQUENCE_NUMBER", "1000000000000000000x1"),
    ("AT_SEQUENCE_NUMBER", "999999999999999999999999"),
    ("AT_TIMESTAMP", None),
    ("SOMEWHERE", None),
])
def test_bad_iterator_requests(streams: Any, stream: tuple[str, str, str], kind: str,
                               sequence: str | None) -> None:
    _, arn, shard = stream
    extra = {} if sequence is None else {"SequenceNumber": sequence}
    code, _, status = error_of(lambda: streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra))
    assert (code, status) == ("ValidationException", 400)


def _iterator(streams: Any, stream: tuple[str, str, str]) -> str:
    _, arn, shard = stream
    return str(streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"])


def test_garbage_and_tampered_iterators(streams: Any, stream: tuple[str, str, str]) -> None:
    good = _iterator(streams, stream)
    arn, version, blob = good.split("|")
    flipped = blob[:10] + ("A" if blob[10] != "A" else "B") + blob[11:]
    other_arn = arn[:-1] + ("1" if arn[-1] != "1" else "2")
    for bad in ("garbage", f"{arn}|1|", f"{arn}|2|{blob}", f"{arn}|1|{flipped}",
                f"{other_arn}|1|{blob}", f"{arn}|1|not base64!"):
        assert error_of(lambda: streams.get_records(ShardIterator=bad)) == (
            "ValidationException", "Invalid ShardIterator", 400)


@pytest.mark.parametrize(("call", "limit", "maximum"), [
    ("get_records", 1001, 1000), ("describe_stream", 101, 100), ("list_streams", 101, 100),
])
def test_limits_above_the_maximum(streams: Any, stream: tuple[str, str, str], call: str,
                                  limit: int, maximum: int) -> None:
    _, arn, _ = stream
    kwargs: dict[str, Any] = {"Limit": limit}
    if call == "get_records":
        kwargs["ShardIterator"] = _iterator(streams, stream)
    elif call == "describe_stream":
        kwargs["StreamArn"] = arn
    assert error_of(lambda: getattr(streams, call)(**kwargs)) == (
        "ValidationException",
        f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
        f"Member must have value less than or equal to {maximum}", 400)


def test_shard_filter_needs_a_shard_id(streams: Any, stream: tuple[str, str, str]) -> None:
    _, arn, _ = stream
    code, _, _ = error_of(lambda: streams.describe_stream(
        StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS"}))
    assert code == "ValidationException"


def test_error_body_shape(endpoint: str) -> None:
    import orjson
    import urllib3

    response = urllib3.request(
        "POST", endpoint, body=orjson.dumps({"StreamArn": UNKNOWN_ARN}),
        headers={"X-Amz-Target": "DynamoDBStreams_20120810.DescribeStream",
                 "Content-Type": "application/x-amz-json-1.0"})
    assert response.status == 400
    body = orjson.loads(response.data)
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
