"""Shard iterators and GetRecords (aws-facts §1.4, §1.5): the four types, empty pages on open
shards, drained closed shards, Limit, 15-minute expiry and the 24 h trim horizon on the clock."""

from __future__ import annotations

from typing import Any

import pytest
from streams_support import Private, all_shards, create_stream_table, error_of

EXPIRED = ("ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.",
           400)


def _one_shard_table(ddb: Any) -> tuple[str, str]:
    return create_stream_table(ddb, Tags=[{"Key": "headwater:stream-shards", "Value": "1"}])


def _iterator(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **extra: Any) -> str:
    shard = all_shards(streams, arn)[-1]["ShardId"]
    return str(streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind,
                                          **extra)["ShardIterator"])


def _put(ddb: Any, name: str, *keys: str) -> None:
    for key in keys:
        ddb.put_item(TableName=name, Item={"pk": {"S": key}})


def _keys(page: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]]


def test_iterator_shape(ddb: Any, streams: Any) -> None:
    _, arn = _one_shard_table(ddb)
    iterator = _iterator(streams, arn)
    assert iterator.startswith(f"{arn}|1|") and len(iterator) <= 2048


def test_open_shard_gives_empty_pages_with_a_next_iterator(ddb: Any, streams: Any) -> None:
    name, arn = _one_shard_table(ddb)
    page = streams.get_records(ShardIterator=_iterator(streams, arn))
    assert page["Records"] == [] and page["NextShardIterator"]
    _put(ddb, name, "a", "b", "c")
    page = streams.get_records(ShardIterator=page["NextShardIterator"], Limit=2)
    assert _keys(page) == ["a", "b"]
    page = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert _keys(page) == ["c"]
    again = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert again["Records"] == [] and again["NextShardIterator"]


def test_latest_and_sequence_number_iterators(ddb: Any, streams: Any) -> None:
    name, arn = _one_shard_table(ddb)
    _put(ddb, name, "a", "b")
    latest = _iterator(streams, arn, "LATEST")
    _put(ddb, name, "c")
    assert _keys(streams.get_records(ShardIterator=latest)) == ["c"]
    records = streams.get_records(ShardIterator=_iterator(streams, arn))["Records"]
    second = records[1]["dynamodb"]["SequenceNumber"]
    at = _iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    after = _iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    assert _keys(streams.get_records(ShardIterator=at)) == ["b", "c"]
    assert _keys(streams.get_records(ShardIterator=after)) == ["c"]


def test_closed_shard_drains_without_next_iterator(ddb: Any, streams: Any) -> None:
    name, arn = _one_shard_table(ddb)
    _put(ddb, name, "a", "b")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    page = streams.get_records(ShardIterator=_iterator(streams, arn), Limit=1)
    assert _keys(page) == ["a"] and page["NextShardIterator"]
    page = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert _keys(page) == ["b"] and "NextShardIterator" not in page
    # TRIM_HORIZON on a closed shard re-reads it; LATEST on it is already drained.
    assert _keys(streams.get_records(ShardIterator=_iterator(streams, arn))) == ["a", "b"]
    latest = streams.get_records(ShardIterator=_iterator(streams, arn, "LATEST"))
    assert latest["Records"] == [] and "NextShardIterator" not in latest


def test_page_is_at_most_one_megabyte(ddb: Any, streams: Any) -> None:
    name, arn = _one_shard_table(ddb)
    blob = "x" * 300_000
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "blob": {"S": blob}})
    page = streams.get_records(ShardIterator=_iterator(streams, arn))
    assert 1 <= len(page["Records"]) < 5
    rest = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert len(page["Records"]) + len(rest["Records"]) <= 5


@pytest.mark.local_only
def test_iterators_expire_after_fifteen_minutes(steady: Private) -> None:
    private = steady
    ddb, streams = private.ddb, private.streams
    name, arn = _one_shard_table(ddb)
    _put(ddb, name, "a")
    iterator = _iterator(streams, arn)
    private.advance(14 * 60)
    page = streams.get_records(ShardIterator=iterator)
    assert _keys(page) == ["a"]
    private.advance(2 * 60)
    assert error_of(lambda: streams.get_records(ShardIterator=iterator)) == EXPIRED
    # The next iterator was issued two minutes ago: still good.
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []


@pytest.mark.local_only
def test_trimmed_data(steady: Private) -> None:
    private = steady
    ddb, streams = private.ddb, private.streams
    name, arn = _one_shard_table(ddb)
    _put(ddb, name, "old")
    first = streams.get_records(ShardIterator=_iterator(streams, arn))["Records"][0]
    sequence = first["dynamodb"]["SequenceNumber"]
    private.advance(24 * 3600 - 120)
    _put(ddb, name, "young")
    # The record is 23 h 58 min old: still readable, and an iterator taken now sees it ...
    iterator = _iterator(streams, arn)
    private.advance(300)
    # ... but five minutes later it is past the trim horizon.
    assert error_of(lambda: streams.get_records(ShardIterator=iterator))[0] == (
        "TrimmedDataAccessException")
    # A sequence number older than the trim point answers TrimmedDataAccessException for AT
    # and AFTER alike (API reference "GetShardIterator", Errors).
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        assert error_of(lambda k=kind: _iterator(streams, arn, k, SequenceNumber=sequence))[0] == (
            "TrimmedDataAccessException")
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(
        ShardIterator=_iterator(streams, arn))["Records"]] == ["young"]
