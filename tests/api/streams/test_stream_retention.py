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

    wait_for(gone)
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


def test_closed_shards_past_retention_disappear(private: Private) -> None:
    ddb, streams = private.ddb, private.streams
    name, arn = create_stream_table(ddb, Tags=[{"Key": "headwater:stream-shards", "Value": "1"}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    (original,) = [s["ShardId"] for s in all_shards(streams, arn)]
    private.advance(90000)
    # An idle shard rolls over once, when the clock gets there: closed now, kept for 24 h.
    wait_for(lambda: len(all_shards(streams, arn)) == 2)
    private.advance(90000)

    def original_gone() -> bool:
        ids = [s["ShardId"] for s in all_shards(streams, arn)]
        return original not in ids and len(ids) == 2

    wait_for(original_gone)


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
