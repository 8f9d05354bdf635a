"""Shards: lineage after a clock-driven rollover (aws-facts §1.7), DescribeStream's order,
paging and CHILD_SHARDS filter (§1.3). Uses a private server rolling over every 600 s."""

from __future__ import annotations

import pytest
from streams_support import (
    Private,
    all_shards,
    create_stream_table,
    read_stream,
    wait_for,
)

pytestmark = pytest.mark.local_only


def test_rollover_closes_shards_and_children_take_over(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb)
    for i in range(20):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i % 5}"}, "v": {"N": str(i)}})
    before = all_shards(streams, arn)
    assert len(before) == 4 and all(s.get("ParentShardId") is None for s in before)
    first = before[0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=first,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    private.advance(601)

    def drained() -> bool:
        # The worker alone closes the idle shard: a drained closed shard ends the iterator chain.
        nonlocal iterator
        page = streams.get_records(ShardIterator=iterator)
        if "NextShardIterator" not in page:
            return True
        iterator = page["NextShardIterator"]
        return False

    wait_for(drained)
    for i in range(20, 40):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i % 5}"}, "v": {"N": str(i)}})
    shards = all_shards(streams, arn)
    assert [s["ShardId"] for s in shards] == sorted(s["ShardId"] for s in shards)
    parents = {s["ShardId"]: s for s in shards if s.get("ParentShardId") is None}
    children = [s for s in shards if s.get("ParentShardId") is not None]
    assert len(parents) == 4 and len(children) == 4
    assert {c["ParentShardId"] for c in children} == set(parents)
    for child in children:
        parent = parents[child["ParentShardId"]]
        ending = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
        assert int(parent["SequenceNumberRange"]["StartingSequenceNumber"]) <= ending
        assert int(child["SequenceNumberRange"]["StartingSequenceNumber"]) > ending
        assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
        assert child["ShardId"].startswith("shardId-") and len(child["ShardId"]) == 37
    records = read_stream(streams, arn)
    values: dict[str, list[int]] = {}
    for record in records:
        image = record["dynamodb"]["NewImage"]
        values.setdefault(image["pk"]["S"], []).append(int(image["v"]["N"]))
    assert all(v == sorted(v) and len(v) == 8 for v in values.values())
    some_parent = next(iter(parents))
    filtered = streams.describe_stream(StreamArn=arn, ShardFilter={
        "Type": "CHILD_SHARDS", "ShardId": some_parent})["StreamDescription"]["Shards"]
    assert [s["ParentShardId"] for s in filtered] == [some_parent]


def test_describe_stream_pages_in_shard_id_order(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    _, arn = create_stream_table(ddb, Tags=[{"Key": "headwater:stream-shards", "Value": "7"}])
    ids = sorted(s["ShardId"] for s in all_shards(streams, arn))
    first = streams.describe_stream(StreamArn=arn, Limit=3)["StreamDescription"]
    assert [s["ShardId"] for s in first["Shards"]] == ids[:3]
    assert first["LastEvaluatedShardId"] == ids[2]
    rest = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=ids[2])
    assert [s["ShardId"] for s in rest["StreamDescription"]["Shards"]] == ids[3:]
    assert "LastEvaluatedShardId" not in rest["StreamDescription"]
    last = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=ids[-1])
    assert last["StreamDescription"]["Shards"] == []
    unknown = streams.describe_stream(StreamArn=arn,
                                      ExclusiveStartShardId="shardId-00000000000000000000-ffffffff")
    # AWS answers an unknown (well-formed) start shard with an empty page (aws-facts §1.3).
    assert unknown["StreamDescription"]["Shards"] == []


def test_describe_stream_fields(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb, "OLD_IMAGE", range_key="sk")
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    label = arn.rsplit("/", 1)[1]
    assert description["StreamLabel"] == label
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "OLD_IMAGE"
    assert description["TableName"] == name
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert abs(description["CreationRequestDateTime"].timestamp() - private.now()) < 60
