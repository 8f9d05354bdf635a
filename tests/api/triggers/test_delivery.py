"""What a mapping delivers (aws-facts §4.1, §4.2): the exact event payload, BatchSize, the
batching window, TRIM_HORIZON vs LATEST, and per-item order across a shard rollover."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from triggers_support import events, keys_of, records, wait_for

FOUR_HOURS = 4 * 3600


def put(ddb: Any, table: str, *keys: str, **attrs: str) -> None:
    for key in keys:
        ddb.put_item(TableName=table, Item={"pk": {"S": key}, **{
            name: {"S": value} for name, value in attrs.items()}})


def test_event_payload_is_exactly_what_aws_sends(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn)
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "b": {"B": b"\x00\x01"}})
    wait_for(lambda: records(out))
    event = events(out)[0]
    assert list(event) == ["Records"]
    record = event["Records"][0]
    assert list(record) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                            "dynamodb", "eventSourceARN"]
    assert record["eventName"] == "INSERT"
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"] == stream_arn
    body = record["dynamodb"]
    assert isinstance(body["ApproximateCreationDateTime"], float)
    assert body["Keys"] == {"pk": {"S": "k"}}
    assert body["NewImage"] == {"pk": {"S": "k"}, "b": {"B": "AAE="}}
    assert body["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert len(body["SequenceNumber"]) == 21 and body["SizeBytes"] > 0


def test_batch_size_splits_a_backlog(ddb: Any, recording: Callable[[], tuple[str, Path]],
                                     stream_table: Callable[..., tuple[str, str]],
                                     make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    put(ddb, table, *[f"k{i:02d}" for i in range(25)])
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=10)
    wait_for(lambda: len(records(out)) == 25)
    assert all(len(e["Records"]) <= 10 for e in events(out))
    assert sorted(keys_of(out)) == [f"k{i:02d}" for i in range(25)]


def test_window_gathers_a_batch(ddb: Any, recording: Callable[[], tuple[str, Path]],
                                stream_table: Callable[..., tuple[str, str]],
                                make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn,
                 MaximumBatchingWindowInSeconds=2, StartingPosition="LATEST")
    ddb_one_shard = [f"a{i}" for i in range(40)]
    started = time.monotonic()
    put(ddb, table, *ddb_one_shard)
    time.sleep(0.5)
    assert events(out) == []  # the window (2 s) is still open
    wait_for(lambda: len(records(out)) == 40)
    assert time.monotonic() - started >= 1.5
    assert len(events(out)) <= 4  # at most one batch per shard


def test_window_flushes_early_at_batch_size(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=2,
                 MaximumBatchingWindowInSeconds=300, StartingPosition="LATEST")
    put(ddb, table, *[f"same-{i}" for i in range(40)])
    wait_for(lambda: len(records(out)) >= 2, timeout=10)  # far sooner than 300 s
    assert all(len(e["Records"]) == 2 for e in events(out))


def test_latest_starts_after_the_create_call(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    put(ddb, table, "before")
    make_mapping(wait=False, FunctionName=function, EventSourceArn=stream_arn,
                 StartingPosition="LATEST")
    put(ddb, table, "after")
    wait_for(lambda: records(out))
    time.sleep(0.2)
    assert keys_of(out) == ["after"]


def test_trim_horizon_reads_from_the_oldest(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    put(ddb, table, "before")
    make_mapping(FunctionName=function, EventSourceArn=stream_arn)
    put(ddb, table, "after")
    wait_for(lambda: len(records(out)) == 2)
    assert sorted(keys_of(out)) == ["after", "before"]


@pytest.mark.local_only
def test_ttl_delete_identity_is_lowercase(
        ddb: Any, clock: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, StartingPosition="LATEST")
    now = int(clock.now())
    ddb.put_item(TableName=table, Item={"pk": {"S": "t"}, "expires": {"N": str(now + 5)}})
    clock.advance(10)
    wait_for(lambda: any(r["eventName"] == "REMOVE" for r in records(out)), timeout=20)
    removed = next(r for r in records(out) if r["eventName"] == "REMOVE")
    assert removed["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert removed["eventSourceARN"] == stream_arn


@pytest.mark.local_only
def test_order_per_item_across_a_shard_rollover(
        ddb: Any, clock: Any, streams: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    for version in range(3):
        put(ddb, table, "item", v=str(version))
    clock.advance(FOUR_HOURS + 1)
    for version in range(3, 6):
        put(ddb, table, "item", v=str(version))
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    assert any("ParentShardId" in s for s in shards)  # the writes crossed a rollover
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=2)
    wait_for(lambda: len(records(out)) == 6)
    versions = [r["dynamodb"]["NewImage"]["v"]["S"] for r in records(out)]
    assert versions == [str(v) for v in range(6)]


def test_batches_stop_at_the_6_mb_payload_limit(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    blob = "x" * 190_000
    for i in range(40):  # about 7.6 MB of events on one item's shard
        ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "n": {"N": str(i)},
                                            "blob": {"S": blob}})
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=1000)
    wait_for(lambda: len(records(out)) == 40, timeout=30)
    sizes = [len(line) for line in out.read_text().splitlines()]
    assert len(sizes) >= 2 and max(sizes) <= 6 * 1024 * 1024
    assert [int(r["dynamodb"]["NewImage"]["n"]["N"]) for r in records(out)] == list(range(40))
