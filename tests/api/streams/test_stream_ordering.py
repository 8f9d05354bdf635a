"""Per-item order under many concurrent writers, and every write path's record (aws-facts
§1.7 exactly once and in order per item, §2.2)."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import pytest
from botocore.exceptions import ClientError
from streams_support import create_stream_table, read_stream

WRITERS = 8
ITEMS = 6
WRITES_PER_WRITER = 25


def test_per_item_order_with_concurrent_writers(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for i in range(WRITES_PER_WRITER):
                ddb.update_item(
                    TableName=name, Key={"pk": {"S": f"item-{(number + i) % ITEMS}"}},
                    UpdateExpression="ADD version :one SET writer = :w",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":w": {"S": f"{number}-{i}"}},
                )
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    records = read_stream(streams, arn)
    assert len(records) == WRITERS * WRITES_PER_WRITER
    versions: dict[str, list[int]] = defaultdict(list)
    for record in records:
        item = record["dynamodb"]["NewImage"]
        versions[item["pk"]["S"]].append(int(item["version"]["N"]))
    # The ADD makes each item's versions 1, 2, 3, ... in commit order: the stream must
    # show them in exactly that order, once each.
    for pk, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), pk
    assert len({r["eventID"] for r in records}) == len(records)
    assert len({r["dynamodb"]["SequenceNumber"] for r in records}) == len(records)


def test_items_spread_over_shards_and_stay_on_one(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    for i in range(40):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "v": {"N": "1"}})
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "v": {"N": "2"}})
    shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    assert len(shards) == 4
    owner: dict[str, str] = {}
    used = set()
    from streams_support import read_shard

    for shard in shards:
        for record in read_shard(streams, arn, shard["ShardId"]):
            pk = record["dynamodb"]["Keys"]["pk"]["S"]
            assert owner.setdefault(pk, shard["ShardId"]) == shard["ShardId"]
            used.add(shard["ShardId"])
    assert len(owner) == 40 and len(used) > 1


def _optional(call: Any) -> Any:
    try:
        return call()
    except ClientError as error:
        if error.response["Error"]["Code"] == "UnknownOperationException":
            pytest.skip("operation not implemented yet")
        raise


def test_batch_write_item_records(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}})
    _optional(lambda: ddb.batch_write_item(RequestItems={name: [
        {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "b"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "never"}}}},
    ]}))
    names = sorted(r["eventName"] for r in read_stream(streams, arn))
    assert names == ["INSERT", "INSERT", "INSERT", "REMOVE"]


def test_transact_write_items_records(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    _optional(lambda: ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "a"}}}},
        {"Update": {"TableName": name, "Key": {"pk": {"S": "b"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "c"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ]))
    records = read_stream(streams, arn)
    assert sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records) == ["a", "b"]
    assert {r["eventName"] for r in records} == {"INSERT"}


def test_partiql_statement_records(ddb: Any, streams: Any) -> None:
    name, arn = create_stream_table(ddb)
    _optional(lambda: ddb.execute_statement(
        Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'p', 'v': 1}}"))
    ddb.execute_statement(Statement=f"UPDATE \"{name}\" SET v = 2 WHERE pk = 'p'")
    ddb.execute_statement(Statement=f"DELETE FROM \"{name}\" WHERE pk = 'p'")
    records = read_stream(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}
