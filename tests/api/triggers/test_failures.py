"""Failures (aws-facts §4.3, §4.4): retries block the shard and are counted exactly, record age
by the clock, throttles never use up retries, and the OnFailure record delivered to SQS and to
an SQS queue subscribed to an SNS topic, compared field by field with the fact sheet."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from triggers_support import keys_of, receive_all, records, wait_for

ISO_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def queue(sqs: Any, unique: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


def failing(out: Path) -> None:
    (out.parent / (out.name + ".fail")).write_text("")


def healed(out: Path) -> None:
    (out.parent / (out.name + ".fail")).unlink()


def check_batch_info(info: dict[str, Any], stream_arn: str, count: int) -> None:
    assert list(info) == ["shardId", "startSequenceNumber", "endSequenceNumber",
                          "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord",
                          "batchSize", "streamArn"]
    assert info["shardId"].startswith("shardId-")
    assert len(info["startSequenceNumber"]) == 21
    assert int(info["endSequenceNumber"]) >= int(info["startSequenceNumber"])
    assert ISO_SECONDS.fullmatch(info["approximateArrivalOfFirstRecord"])
    assert ISO_SECONDS.fullmatch(info["approximateArrivalOfLastRecord"])
    assert info["batchSize"] == count
    assert info["streamArn"] == stream_arn


def check_retries_exhausted(body: dict[str, Any], function: str, stream_arn: str,
                            invocations: int) -> None:
    """An OnFailure record field by field against aws-facts §4.4."""
    assert list(body) == ["requestContext", "responseContext", "version", "timestamp",
                          "DDBStreamBatchInfo"]
    context = body["requestContext"]
    assert list(context) == ["requestId", "functionArn", "condition", "approximateInvokeCount"]
    assert UUID.fullmatch(context["requestId"])
    assert context["functionArn"] == \
        f"arn:aws:lambda:us-east-1:000000000000:function:{function}"
    assert context["condition"] == "RetryAttemptsExhausted"
    assert context["approximateInvokeCount"] == invocations
    assert body["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                       "functionError": "Unhandled"}
    assert body["version"] == "1.0"
    assert ISO_MILLIS.fullmatch(body["timestamp"])
    check_batch_info(body["DDBStreamBatchInfo"], stream_arn, 1)


def test_retries_are_counted_exactly_then_sqs_gets_the_record(
        ddb: Any, sqs: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    failing(out)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRetryAttempts=2,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "poison"}})
    [message] = receive_all(sqs, queue[0], 1)
    assert keys_of(out) == ["poison"] * 3  # 2 retries = 3 invocations
    body = json.loads(message["Body"])
    check_retries_exhausted(body, function, stream_arn, invocations=3)
    sequence = records(out)[0]["dynamodb"]["SequenceNumber"]
    assert body["DDBStreamBatchInfo"]["startSequenceNumber"] == sequence
    # the checkpoint moved past the batch: the shard goes on
    healed(out)
    ddb.put_item(TableName=table, Item={"pk": {"S": "poison"}, "v": {"S": "next"}})
    wait_for(lambda: len(records(out)) == 4)
    time.sleep(0.2)
    assert len(records(out)) == 4


def test_sns_destination_reaches_a_subscribed_queue(
        ddb: Any, sqs: Any, sns: Any, unique: Callable[[str], str],
        recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    topic = sns.create_topic(Name=unique("failures"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue[1])
    function, out = recording()
    table, stream_arn = stream_table()
    failing(out)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRetryAttempts=1,
                 DestinationConfig={"OnFailure": {"Destination": topic}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "x"}})
    [message] = receive_all(sqs, queue[0], 1)
    envelope = json.loads(message["Body"])
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic
    check_retries_exhausted(json.loads(envelope["Message"]), function, stream_arn,
                            invocations=2)
    sns.delete_topic(TopicArn=topic)


@pytest.mark.local_only
def test_record_age_exceeded_by_the_clock(
        ddb: Any, sqs: Any, clock: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    failing(out)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRecordAgeInSeconds=60,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "old"}})
    wait_for(lambda: len(records(out)) >= 2)  # retried (MaximumRetryAttempts -1)
    clock.advance(61)
    [message] = receive_all(sqs, queue[0], 1)
    body = json.loads(message["Body"])
    assert list(body) == ["requestContext", "version", "timestamp", "DDBStreamBatchInfo"]
    assert body["requestContext"]["condition"] == "RecordAgeExceeded"
    assert body["requestContext"]["approximateInvokeCount"] >= 2
    check_batch_info(body["DDBStreamBatchInfo"], stream_arn, 1)
    healed(out)
    ddb.put_item(TableName=table, Item={"pk": {"S": "young"}})
    wait_for(lambda: "young" in keys_of(out))


@pytest.mark.local_only
def test_records_already_too_old_are_never_sent(
        ddb: Any, sqs: Any, clock: Any, lam: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "stale"}})
    clock.advance(120)
    ddb.put_item(TableName=table, Item={"pk": {"S": "fresh"}})
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRecordAgeInSeconds=60,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    [message] = receive_all(sqs, queue[0], 1)
    body = json.loads(message["Body"])
    assert body["requestContext"]["condition"] == "RecordAgeExceeded"
    assert "responseContext" not in body
    wait_for(lambda: "fresh" in keys_of(out))
    assert "stale" not in keys_of(out)


def test_throttles_never_use_up_retries(
        ddb: Any, sqs: Any, lam: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=0)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, MaximumRetryAttempts=0,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "waits"}})
    time.sleep(1.0)  # many throttled attempts at the short retry delay
    assert records(out) == []
    lam.delete_function_concurrency(FunctionName=function)
    wait_for(lambda: keys_of(out) == ["waits"])
    assert receive_all(sqs, queue[0], 1, timeout=1) == []  # nothing was discarded
