"""Retention (aws-facts §1.7): records older than 24 h of clock time are trimmed and deleted;
streams disabled more than 24 h ago disappear. ListStreams paging (§1.2)."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import (
    Private,
    all_shards,
    create_stream_table,
    error_of,
    read_stream,
    wait_for,
)

pytestmark = pytest.mark.local_only


def test_records_older_than_a_day_are_trimmed(steady: Private) -> None:
    ddb, streams = steady.ddb, steady.streams
    name, arn = create_stream_table(ddb)
    for i in range(10):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"old{i}"}})
    steady.advance(90000)
    ddb.put_item(TableName=name, Item={"pk": {"S": "new"}})
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_stream(streams, arn)]
    assert keys == ["new"]


def test_disabled_stream_expires_after_a_day(steady: Private) -> None:
    ddb, streams = steady.ddb, steady.streams
    name, arn = create_stream_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == (
        "DISABLED")
    steady.advance(90000)

    def gone() -> bool:
        return error_of(lambda: streams.describe_stream(StreamArn=arn))[0] == (
            "ResourceNotFoundException")

    # The retention worker wakes at the advance; 30 s of polling, not 10, for a starved
    # 2-core machine (a 10 s wait timed out twice under load 3-5, never reproduced alone).
    wait_for(gone, timeout=30.0)
    assert arn not in {s["StreamArn"] for s in streams.list_streams()["Streams"]}


def test_list_streams_paging(steady: Private) -> None:
    ddb, streams = steady.ddb, steady.streams
    arns = sorted(create_stream_table(ddb, "KEYS_ONLY")[1] for _ in range(5))
    listed: list[str] = []
    kwargs: dict[str, Any] = {"Limit": 2}
    while True:
        page = streams.list_streams(**kwargs)
        listed.extend(s["StreamArn"] for s in page["Streams"])
        assert len(page["Streams"]) <= 2
        if "LastEvaluatedStreamArn" not in page:
            break
        kwargs["ExclusiveStartStreamArn"] = page["LastEvaluatedStreamArn"]
    assert [a for a in listed if a in arns] == arns
    assert listed == sorted(listed)


ONE_SHARD = [{"Key": "headwater:stream-shards", "Value": "1"}]
TRIMMED = ("TrimmedDataAccessException",
           "The operation attempted to read past the oldest stream record in a shard, or the "
           "sequence number is older than the trim horizon (24 hours).", 400)


def test_closed_shards_go_once_their_content_has_aged_out(private: Private) -> None:
    # Shards are ephemeral and records live 24 h (Streams developer guide, aws-facts §1.7):
    # a shard closed with young records stays until they age out, then goes.
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb, Tags=ONE_SHARD)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    (original,) = all_shards(streams, arn)
    private.advance(700)  # past the 600 s rollover: closed with a young record
    wait_for(lambda: len(all_shards(streams, arn)) == 2)
    private.advance(3600)
    closed = next(s for s in all_shards(streams, arn) if s["ShardId"] == original["ShardId"])
    assert "EndingSequenceNumber" in closed["SequenceNumberRange"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_stream(streams, arn)] == ["a"]
    private.advance(90000)

    wait_for(lambda: original["ShardId"] not in {s["ShardId"] for s in all_shards(streams, arn)})


def test_idle_shard_closing_after_its_records_aged_out_goes(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb, Tags=ONE_SHARD)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    (original,) = all_shards(streams, arn)
    # An idle shard rolls over once, when the clock gets there; its only record is already
    # past retention, so nothing of it is left to keep.
    private.advance(90000)

    def only_child() -> bool:
        shards = all_shards(streams, arn)
        return len(shards) == 1 and shards[0].get("ParentShardId") == original["ShardId"]

    wait_for(only_child)


def test_trimming_never_changes_a_shard_range(tmp_path: Any) -> None:
    import sqlite3

    server = Private("--data-dir", str(tmp_path), "--shard-rollover", "100000000")
    try:
        ddb, streams = server.ddb, server.streams
        name, arn = create_stream_table(ddb, Tags=ONE_SHARD)
        for key in ("a", "b", "c"):
            ddb.put_item(TableName=name, Item={"pk": {"S": key}})
        numbers = [r["dynamodb"]["SequenceNumber"] for r in read_stream(streams, arn)]
        (shard,) = all_shards(streams, arn)
        opened = shard["SequenceNumberRange"]
        db = sqlite3.connect(f"file:{tmp_path}/headwater.sqlite3?mode=ro", uri=True)
        server.advance(90000)
        wait_for(lambda: db.execute("SELECT count(*) FROM stream_records").fetchone()[0] == 0)
        db.close()
        assert all_shards(streams, arn)[0]["SequenceNumberRange"] == opened
        # Closing a shard whose records were all trimmed still ends it at its last record.
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        (closed,) = all_shards(streams, arn)
        assert closed["SequenceNumberRange"] == {**opened, "EndingSequenceNumber": numbers[-1]}
        shard_id = closed["ShardId"]
        for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            for number in numbers:
                assert error_of(lambda k=kind, n=number: streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType=k,
                    SequenceNumber=n)) == TRIMMED
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        page = streams.get_records(ShardIterator=iterator)
        assert page["Records"] == [] and "NextShardIterator" not in page
        # Its content has all aged out: the next retention pass deletes it.
        server.advance(120)
        wait_for(lambda: all_shards(streams, arn) == [])
    finally:
        server.stop()


def test_trim_horizon_starts_at_the_oldest_record_kept(steady: Private) -> None:
    ddb, streams = steady.ddb, steady.streams
    name, arn = create_stream_table(ddb, Tags=ONE_SHARD)
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}})
    steady.advance(50000)
    ddb.put_item(TableName=name, Item={"pk": {"S": "young"}})
    old, young = (r["dynamodb"]["SequenceNumber"] for r in read_stream(streams, arn))
    steady.advance(40000)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_stream(streams, arn)] == ["young"]
    (shard,) = all_shards(streams, arn)
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        assert error_of(lambda k=kind: streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=k,
            SequenceNumber=old)) == TRIMMED
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="AT_SEQUENCE_NUMBER",
                                          SequenceNumber=young)["ShardIterator"]
    (record,) = streams.get_records(ShardIterator=iterator)["Records"]
    assert record["dynamodb"]["SequenceNumber"] == young


def test_retention_deletes_old_records_from_storage(tmp_path: Any) -> None:
    import sqlite3

    server = Private("--data-dir", str(tmp_path), "--shard-rollover", "100000000")
    try:
        name, _ = create_stream_table(server.ddb)
        for i in range(30):
            server.ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
        db = sqlite3.connect(f"file:{tmp_path}/headwater.sqlite3?mode=ro", uri=True)

        def stored() -> int:
            return int(db.execute("SELECT count(*) FROM stream_records").fetchone()[0])

        assert stored() == 30
        server.advance(90000)
        wait_for(lambda: stored() == 0)
        server.ddb.put_item(TableName=name, Item={"pk": {"S": "new"}})
        assert stored() == 1
        db.close()
    finally:
        server.stop()
