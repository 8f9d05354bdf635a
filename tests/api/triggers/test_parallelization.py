"""ParallelizationFactor (aws-facts §4.1) with a real Python handler: concurrent writers change
many items while a mapping with factor 10 delivers; every item's changes arrive in order, none
is lost or repeated, and more batches run at once than the stream has shards."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from controls_support import CONTROLS_HANDLER, put_many
from server_support import client
from triggers_support import events, receive_all, wait_for

from headwater.triggers.lanes import lane_of

KEYS, VERSIONS, WRITERS = 60, 8, 6


def peak_overlap(spans: list[list[float]]) -> int:
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def test_per_key_order_with_factor_10_under_concurrent_writes(
        endpoint: str, ddb: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    # A handler slower than a cold start: the pool starts a new environment for a waiting lane
    # at once (a quicker one may wait for a busy environment while the machine is loaded,
    # docs/performance-tuning.md), so the lanes really overlap whatever the load.
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out), "SLEEP": "0.3"})
    table, stream_arn = stream_table()
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=5,
                 ParallelizationFactor=10, StartingPosition="LATEST")

    def writer(number: int) -> None:
        own = client("dynamodb", endpoint)  # a client per writer thread
        mine = [f"key{k:03d}" for k in range(number, KEYS, WRITERS)]
        for version in range(VERSIONS):
            for key in mine:
                own.put_item(TableName=table, Item={"pk": {"S": key},
                                                    "v": {"N": str(version)}})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: sum(len(e["Records"]) for e in events(out)) >= KEYS * VERSIONS,
             timeout=60)
    seen: dict[str, list[int]] = {}
    for event in events(out):
        for record in event["Records"]:
            seen.setdefault(record["dynamodb"]["Keys"]["pk"]["S"], []).append(
                int(record["dynamodb"]["NewImage"]["v"]["N"]))
    assert len(seen) == KEYS
    assert all(versions == list(range(VERSIONS)) for versions in seen.values())
    assert peak_overlap([e["_span"] for e in events(out)]) > 4  # more than one per shard


def lane(record: dict[str, Any]) -> int:
    return lane_of(record, "pk", 10)  # the lane of a record of its shard (ParallelizationFactor 10)


def shard_of_keys(streams: Any, stream_arn: str) -> dict[str, str]:
    """Which shard each partition key's records are in (GetRecords over every shard)."""
    found: dict[str, str] = {}
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator)["Records"]:
            found[record["dynamodb"]["Keys"]["pk"]["S"]] = shard["ShardId"]
    return found


def versions(event: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["dynamodb"]["Keys"]["pk"]["S"], int(r["dynamodb"]["NewImage"]["v"]["N"]))
            for r in event["Records"]]


def test_a_batch_fills_from_several_lanes_and_keeps_each_key_in_order(
        ddb: Any, recording: Callable[[], tuple[str, Path]],
        stream_table: Callable[..., tuple[str, str]],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    function, out = recording()
    table, stream_arn = stream_table()
    keys = [f"key{k:02d}" for k in range(40)]
    put_many(ddb, table, [{"pk": {"S": key}, "v": {"N": str(v)}}
                          for v in range(2) for key in keys])
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=5,
                 ParallelizationFactor=10)
    wait_for(lambda: sum(len(e["Records"]) for e in events(out)) >= 80)
    delivered = [pair for event in events(out) for pair in versions(event)]
    assert sorted(delivered) == sorted((key, v) for key in keys for v in range(2))
    assert all([v for k, v in delivered if k == key] == [0, 1] for key in keys)
    # Each shard's records were read at once: its batches are full but for its last one
    # (4 shards: at most 16 + 4), where one batch per lane would have taken 30 or more.
    assert len(events(out)) <= 80 // 5 + 4
    assert any(len({lane(r) for r in e["Records"]}) > 1 for e in events(out))


def test_a_failing_batch_of_several_lanes_holds_back_only_its_lanes(
        ddb: Any, streams: Any, sqs: Any, make_function: Callable[..., str], tmp_path: Path,
        stream_table: Callable[..., tuple[str, str]], unique: Callable[[str], str],
        make_mapping: Callable[..., dict[str, Any]]) -> None:
    out = tmp_path / "events.jsonl"
    function = make_function(CONTROLS_HANDLER, env={"OUT": str(out)})
    table, stream_arn = stream_table()
    queue_url = sqs.create_queue(QueueName=unique("pf-failures"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    keys = [f"key{k:02d}" for k in range(40)]
    items = [{"pk": {"S": key}, "v": {"N": str(v)}} for v in range(2) for key in keys]
    items[5]["poison"] = {"BOOL": True}  # key05, version 0
    put_many(ddb, table, items)
    shards = shard_of_keys(streams, stream_arn)
    make_mapping(FunctionName=function, EventSourceArn=stream_arn, BatchSize=5,
                 ParallelizationFactor=10, BisectBatchOnFunctionError=True,
                 MaximumRetryAttempts=1,
                 DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    [message] = receive_all(sqs, queue_url, 1)
    info = json.loads(message["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1  # bisected down to the poison record alone
    wait_for(lambda: sum(len(e["Records"]) for e in events(out)
                         if ("key05", 0) not in versions(e)) >= 79)
    log = events(out)
    failing = [i for i, e in enumerate(log) if ("key05", 0) in versions(e)]
    first = log[failing[0]]
    held = {lane(r) for r in first["Records"]}
    assert len(held) > 1  # the failing batch holds several lanes of its shard
    succeeded = [pair for e in log if ("key05", 0) not in versions(e) for pair in versions(e)]
    assert sorted(succeeded) == sorted((k, v) for k in keys for v in range(2)
                                       if (k, v) != ("key05", 0))
    # Records of those lanes behind the batch went only once it was settled; each key's
    # records arrived in order.
    behind = {(r["dynamodb"]["Keys"]["pk"]["S"], 1) for r in first["Records"]} | {
        (key, v) for key in keys for v in range(2)
        if shards[key] == shards["key05"] and lane({"dynamodb": {"Keys": {"pk": {"S": key}}}})
        in held and (key, v) not in versions(first)}
    behind -= set(versions(first))
    assert behind
    settled = max(i for i, e in enumerate(log) if set(versions(e)) & set(versions(first)))
    assert settled >= failing[-1]
    for index, event in enumerate(log):
        if set(versions(event)) & behind:
            assert index > settled
    assert all([v for k, v in succeeded if k == key] == ([1] if key == "key05" else [0, 1])
               for key in keys)
    sqs.delete_queue(QueueUrl=queue_url)
