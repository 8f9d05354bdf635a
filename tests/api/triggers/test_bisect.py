"""BisectBatchOnFunctionError with a real Python handler (aws-facts §4.3, §4.4): one poison
record in a batch of 100 is isolated by halving, with exactly the invocations AWS makes; retries
are spent only on the single poison record; OnFailure describes only that record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from controls_support import CONTROLS_HANDLER, message_bodies, put_many, sort_keys
from triggers_support import events, receive_all, wait_for

# The batch ranges [start, end) AWS invokes for a poison record at index 37 of 100: each failed
# batch splits in halves (the first half rounded down), processed first half first.
HALVINGS = [(0, 100), (0, 50), (0, 25), (25, 50), (25, 37), (37, 50), (37, 43), (37, 40),
            (37, 38)]
AFTER = [(38, 40), (40, 43), (43, 50), (50, 100)]


@pytest.fixture
def queue(sqs: Any, unique: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    url = sqs.create_queue(QueueName=unique("bisect"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


def ranges(out: Path) -> list[tuple[int, int]]:
    found = []
    for event in events(out):
        keys = sort_keys(event)
        found.append((int(keys[0]), int(keys[-1]) + 1))
    return found


def test_bisect_isolates_one_poison_record_in_a_batch_of_100(
        ddb: Any, sqs: Any, make_function: Callable[..., str], tmp_path: Path,
        make_table: Callable[..., str], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table = make_table(range_key="sk", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    stream_arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    items = [{"pk": {"S": "p"}, "sk": {"S": f"{i:03d}"}} for i in range(100)]
    items[37]["poison"] = {"BOOL": True}
    put_many(ddb, table, items)  # one partition key: one shard, one batch of 100
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=100,
                 BisectBatchOnFunctionError=True, MaximumRetryAttempts=1,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    wait_for(lambda: sum(e - s for s, e in ranges(out)) >= 100 + 50 + 25 + 25 + 12 + 13 + 6
             + 3 + 2 + 2 + 3 + 7 + 50, timeout=30)
    # Retries are spent on the single poison record only (1 retry = 2 invocations).
    assert ranges(out) == HALVINGS + [(37, 38)] + AFTER
    [body] = message_bodies(receive_all(sqs, queue[0], 1))
    info = body["DDBStreamBatchInfo"]
    poison_seq = events(out)[8]["Records"][0]["dynamodb"]["SequenceNumber"]
    assert (info["batchSize"], info["startSequenceNumber"], info["endSequenceNumber"]) == \
        (1, poison_seq, poison_seq)
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert body["requestContext"]["approximateInvokeCount"] == 2
    assert body["responseContext"]["functionError"] == "Unhandled"


def test_without_bisect_the_whole_batch_is_retried_then_discarded(
        ddb: Any, sqs: Any, make_function: Callable[..., str], tmp_path: Path,
        make_table: Callable[..., str], queue: tuple[str, str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table = make_table(range_key="sk", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    stream_arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    items = [{"pk": {"S": "p"}, "sk": {"S": f"{i:03d}"}} for i in range(10)]
    items[3]["poison"] = {"BOOL": True}
    put_many(ddb, table, items)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=10,
                 MaximumRetryAttempts=1,
                 DestinationConfig={"OnFailure": {"Destination": queue[1]}})
    [body] = message_bodies(receive_all(sqs, queue[0], 1))
    assert ranges(out) == [(0, 10), (0, 10)]
    assert body["DDBStreamBatchInfo"]["batchSize"] == 10
