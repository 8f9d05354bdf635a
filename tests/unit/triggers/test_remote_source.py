"""triggers/remote/source.py against a scripted Streams client: positions are sequence numbers
less SEQUENCE_BASE, checkpoints map back to the last record at or before them, DescribeStream
pages are followed, ExpiredIteratorException renews the iterator after the last record read,
TrimmedDataAccessException resumes at TRIM_HORIZON, throttles back off, and a shard without a
NextShardIterator is closed."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from headwater.streams.model import SEQUENCE_BASE
from headwater.triggers.remote import source as source_module
from headwater.triggers.remote.source import START, RemoteStreamSource

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x"


def error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetRecords")


def record(seq: int) -> dict[str, Any]:
    return {"eventName": "INSERT", "dynamodb": {
        "SequenceNumber": str(SEQUENCE_BASE + seq), "ApproximateCreationDateTime": 1000.0 + seq,
        "Keys": {"pk": {"B": b"\x00k"}}}}


class Scripted:
    """A Streams client answering from a list of (operation, answer or exception)."""

    def __init__(self, script: list[tuple[str, Any]]) -> None:
        self.script = script
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.endpoint = "scripted"

    async def streams_call(self, operation: str, **request: Any) -> dict[str, Any]:
        self.requests.append((operation, request))
        expected, answer = self.script.pop(0)
        assert expected == operation, (expected, operation)
        if isinstance(answer, Exception):
            raise answer
        return dict(answer)


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_module, "backoff", lambda failures: 0.0)


def make(script: list[tuple[str, Any]]) -> tuple[RemoteStreamSource, Scripted]:
    clients = Scripted(script)
    return RemoteStreamSource(clients, polls_per_second=1000.0), clients  # type: ignore[arg-type]


def test_describe_stream_pages_are_followed() -> None:
    page = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    source, clients = make([
        ("describe_stream", {"StreamDescription": {**page, "Shards": [
            {"ShardId": "s1", "SequenceNumberRange": {"EndingSequenceNumber": "9"}}],
            "LastEvaluatedShardId": "s1"}}),
        ("describe_stream", {"StreamDescription": {**page, "Shards": [
            {"ShardId": "s2", "ParentShardId": "s1", "SequenceNumberRange": {}}]}})])
    shards = asyncio.run(source.refresh(ARN))
    assert [(s.shard_id, s.parent_shard_id, s.closed) for s in shards] == [
        ("s1", None, True), ("s2", "s1", False)]
    assert clients.requests[1][1]["ExclusiveStartShardId"] == "s1"
    assert source.hash_key(ARN) == "pk"


def test_records_are_read_and_checkpoints_map_to_sequence_numbers() -> None:
    source, clients = make([
        ("get_shard_iterator", {"ShardIterator": "i1"}),
        ("get_records", {"Records": [record(5), record(9)], "NextShardIterator": "i2"}),
        ("get_records", {"Records": [], "NextShardIterator": None})])

    async def scenario() -> None:
        start = source.open(ARN, "s1", "TRIM_HORIZON")
        assert start == START
        assert await source.wait_for_records(ARN, "s1", None, start)
        records = source.read(ARN, "s1", start, 10)
        assert [r.seq for r in records] == [5, 9]
        assert b'"B":"AGs="' in records[0].blob  # binary back in its wire form
        assert records[0].created == 1005.0
        # A checkpoint between two records stands for the one before it.
        assert source.sequence_of(ARN, "s1", 7) == str(SEQUENCE_BASE + 5)
        assert source.sequence_of(ARN, "s1", start) == "TRIM_HORIZON"
        source.release(ARN, "s1", 5)
        assert [r.seq for r in source.read(ARN, "s1", START, 10)] == [9]
        assert source.sequence_of(ARN, "s1", 6) == str(SEQUENCE_BASE + 5)
        assert not source.is_closed(ARN, "s1")
        assert await source.wait_for_records(ARN, "s1", None, 9)
        assert source.is_closed(ARN, "s1")

    asyncio.run(scenario())
    assert clients.requests[0][1]["ShardIteratorType"] == "TRIM_HORIZON"


def test_an_expired_iterator_is_renewed_after_the_last_record() -> None:
    source, clients = make([
        ("get_shard_iterator", {"ShardIterator": "i1"}),
        ("get_records", {"Records": [record(3)], "NextShardIterator": "i2"}),
        ("get_records", error("ExpiredIteratorException")),
        ("get_shard_iterator", {"ShardIterator": "i3"}),
        ("get_records", {"Records": [record(4)], "NextShardIterator": "i4"})])

    async def scenario() -> None:
        start = source.open(ARN, "s1", str(SEQUENCE_BASE + 1))
        assert start == 1
        await source.wait_for_records(ARN, "s1", None, start)
        await source.wait_for_records(ARN, "s1", None, 3)

    asyncio.run(scenario())
    iterators = [r for op, r in clients.requests if op == "get_shard_iterator"]
    assert iterators[0] == {"StreamArn": ARN, "ShardId": "s1",
                            "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                            "SequenceNumber": str(SEQUENCE_BASE + 1)}
    assert iterators[1]["SequenceNumber"] == str(SEQUENCE_BASE + 3)


def test_a_trimmed_position_resumes_at_the_trim_horizon() -> None:
    source, clients = make([
        ("get_shard_iterator", {"ShardIterator": "i1"}),
        ("get_records", error("TrimmedDataAccessException")),
        ("get_shard_iterator", {"ShardIterator": "i2"}),
        ("get_records", {"Records": [record(50)], "NextShardIterator": "i3"})])

    async def scenario() -> None:
        start = source.open(ARN, "s1", str(SEQUENCE_BASE + 1))
        await source.wait_for_records(ARN, "s1", None, start)

    asyncio.run(scenario())
    assert clients.requests[2][1]["ShardIteratorType"] == "TRIM_HORIZON"


def test_throttles_and_server_errors_are_retried() -> None:
    source, clients = make([
        ("get_shard_iterator", {"ShardIterator": "i1"}),
        ("get_records", error("LimitExceededException")),
        ("get_records", error("InternalServerError", 500)),
        ("get_records", {"Records": [record(2)], "NextShardIterator": "i2"})])

    async def scenario() -> None:
        start = source.open(ARN, "s1", "LATEST")
        assert await source.wait_for_records(ARN, "s1", None, start)

    asyncio.run(scenario())
    # The same iterator is used again: a throttle does not lose the position.
    assert [r["ShardIterator"] for op, r in clients.requests if op == "get_records"] == [
        "i1", "i1", "i1"]
    assert clients.requests[0][1]["ShardIteratorType"] == "LATEST"


def test_polls_are_paced_per_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(source_module.asyncio, "sleep", sleep)
    clients = Scripted([("get_shard_iterator", {"ShardIterator": "i1"}),
                        ("get_records", {"Records": [], "NextShardIterator": "i2"}),
                        ("get_records", {"Records": [record(1)], "NextShardIterator": "i3"})])
    source = RemoteStreamSource(clients)  # type: ignore[arg-type]

    async def scenario() -> None:
        start = source.open(ARN, "s1", "TRIM_HORIZON")
        assert await source.wait_for_records(ARN, "s1", None, start)

    asyncio.run(scenario())
    # The second GetRecords waited for the rest of its quarter second (4 a second).
    assert len(pauses) == 1 and 0.2 < pauses[0] <= 0.25


def test_amazon_serves_streams_on_a_host_of_its_own() -> None:
    from headwater.triggers.remote.client import streams_endpoint

    assert streams_endpoint("https://dynamodb.eu-west-1.amazonaws.com") == \
        "https://streams.dynamodb.eu-west-1.amazonaws.com"
    assert streams_endpoint("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert streams_endpoint("aws") is None
