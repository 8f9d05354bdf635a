"""Crash safety (DESIGN.md principle 2): SIGKILL the server while writers run, restart it on the
same data directory, and find every acknowledged write in the table and in the stream exactly
once, in order per item. Also: the virtual clock's offset survives the restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from server_support import CREDENTIALS
from streams_support import Private, create_stream_table, read_stream

pytestmark = [pytest.mark.slow, pytest.mark.local_only]

WRITERS = 6
ITEMS_PER_WRITER = 3


def _writer(endpoint: str, name: str, number: int, acknowledged: dict[str, int],
            stop: threading.Event) -> None:
    import boto3

    ddb = boto3.client("dynamodb", endpoint_url=endpoint, **CREDENTIALS, config=Config(
        retries={"max_attempts": 1}, connect_timeout=1, read_timeout=2))
    i = 0
    while not stop.is_set():
        pk = f"w{number}-{i % ITEMS_PER_WRITER}"
        try:
            response = ddb.update_item(
                TableName=name, Key={"pk": {"S": pk}}, UpdateExpression="ADD v :one",
                ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="UPDATED_NEW")
        except Exception:
            return  # the server is gone
        acknowledged[pk] = int(response["Attributes"]["v"]["N"])
        i += 1


def test_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = Private("--data-dir", data)
    try:
        name, arn = create_stream_table(server.ddb)
        acknowledged: dict[str, int] = {}
        stop = threading.Event()
        threads = [threading.Thread(target=_writer,
                                    args=(server.url, name, n, acknowledged, stop))
                   for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        server.kill()
    assert sum(acknowledged.values()) > 50, "too few writes to prove anything"
    restarted = Private("--data-dir", data)
    try:
        items = {i["pk"]["S"]: int(i["v"]["N"]) for i in _scan(restarted.ddb, name)}
        for pk, version in acknowledged.items():
            assert items[pk] >= version, pk  # a write may commit without its reply arriving
        seen: dict[str, list[int]] = {}
        for record in read_stream(restarted.streams, arn):
            image = record["dynamodb"]["NewImage"]
            seen.setdefault(image["pk"]["S"], []).append(int(image["v"]["N"]))
        assert set(seen) == set(items)
        for pk, versions in seen.items():
            # Exactly once and in order: 1, 2, ..., the stored version.
            assert versions == list(range(1, items[pk] + 1)), pk
        # The restarted server keeps appending after what survived.
        restarted.ddb.put_item(TableName=name, Item={"pk": {"S": "after"}})
        assert any(r["dynamodb"]["Keys"]["pk"]["S"] == "after"
                   for r in read_stream(restarted.streams, arn))
    finally:
        restarted.stop()


def _scan(ddb: Any, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = ddb.scan(TableName=name, **kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_clock_offset_and_iterators_survive_a_restart(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = Private("--data-dir", data)
    try:
        name, arn = create_stream_table(server.ddb)
        server.ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
        shard = server.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        iterators = [server.streams.get_shard_iterator(
            StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON")[
            "ShardIterator"] for s in shard]
        moved = server.advance(600)
    finally:
        server.kill()
    restarted = Private("--data-dir", data)
    try:
        assert restarted.now() >= moved
        records = [r for it in iterators
                   for r in restarted.streams.get_records(ShardIterator=it)["Records"]]
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["a"]
    finally:
        restarted.stop()
