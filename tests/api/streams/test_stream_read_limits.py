"""`headwater serve --stream-read-limits on`: GetRecords beyond AWS's per-shard limits answers
LimitExceededException (aws-facts §1.5, §1.8); the default server never throttles."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from streams_support import Private

from headwater.streams.read_limits import READER_WINDOW


@pytest.fixture(scope="module")
def limited() -> Iterator[Private]:
    running = Private("--in-memory", "--stream-read-limits", "on", "--stream-shards", "1")
    yield running
    running.stop()


def _shard(server: Private, name: str) -> tuple[Any, str, str]:
    ddb = server.ddb
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    streams = server.streams  # one attempt: botocore would retry this throttle
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams, arn, shard


def _iterator(streams: Any, arn: str, shard: str) -> str:
    return str(streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"])


def test_more_than_five_calls_a_second_are_throttled(limited: Private) -> None:
    streams, arn, shard = _shard(limited, "limited-rate")
    iterator = _iterator(streams, arn, shard)
    # The limit counts calls within a second of the server clock, which runs with the wall
    # clock: on a loaded machine six calls can take longer than a second, and then none is
    # over the limit. Such an attempt must have taken that long; the next one starts afresh.
    for _attempt in range(5):
        limited.advance(1.5)  # a new second: earlier calls no longer count
        started = time.monotonic()
        for _ in range(5):
            streams.get_records(ShardIterator=iterator)
        try:
            streams.get_records(ShardIterator=iterator)
        except ClientError as raised:
            error = raised.response
            break
        assert time.monotonic() - started >= 1.0, "a sixth call within a second was admitted"
    else:
        pytest.fail("six GetRecords calls never fitted in one second on this machine")
    assert error["Error"]["Code"] == "LimitExceededException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Message"] == (f"Rate exceeded for shard {shard} in stream {arn} "
                                         "under account 000000000000.")
    limited.advance(1.5)
    streams.get_records(ShardIterator=iterator)


def test_a_third_reader_is_throttled(limited: Private) -> None:
    streams, arn, shard = _shard(limited, "limited-readers")
    for attempt in range(3):
        readers = []
        for _ in range(3):
            # Iterators taken in the same millisecond at the same position are the same
            # string, so one reader; a step of the clock keeps these three apart.
            limited.advance(0.01)
            readers.append(_iterator(streams, arn, shard))
        assert len(set(readers)) == 3
        started = time.monotonic()
        first = streams.get_records(ShardIterator=readers[0])["NextShardIterator"]
        streams.get_records(ShardIterator=readers[1])
        try:
            streams.get_records(ShardIterator=readers[2])
        except ClientError as error:
            assert error.response["Error"]["Code"] == "LimitExceededException"
            break
        # Readers count as reading for 2 s of server-clock time, which moves with the wall
        # clock too: only a machine that stalled that long between the calls may let the
        # third one through (a shared CI box under load), and then the scenario is retried.
        assert time.monotonic() - started >= READER_WINDOW, "the third reader was let through"
        limited.advance(READER_WINDOW + 0.5)
    else:
        pytest.fail("three attempts stalled past the reader window")
    streams.get_records(ShardIterator=first)  # the first reader, continuing its chain
    limited.advance(READER_WINDOW + 0.5)
    streams.get_records(ShardIterator=readers[2])


def test_default_server_never_throttles(ddb: Any, streams: Any, make_table: Any) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterators = [_iterator(streams, arn, shard) for _ in range(4)]
    for _ in range(5):
        for iterator in iterators:
            streams.get_records(ShardIterator=iterator)
