"""GetRecords read limits per shard (src/headwater/streams/read_limits.py): 5 calls in any
second, at most 2 iterator chains reading within 2 seconds, all on the clock passed in."""

from __future__ import annotations

import pytest

from headwater.streams.errors import LimitExceededException
from headwater.streams.read_limits import ReadLimits

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000"
MESSAGE = (f"Rate exceeded for shard shardId-1 in stream {ARN} under account 000000000000.")


def call(limits: ReadLimits, iterator: str, now: float, shard: int = 1) -> str | None:
    return limits.admit(shard, f"shardId-{shard}", ARN, "000000000000", iterator, now)


def test_sixth_call_within_a_second_is_throttled() -> None:
    limits = ReadLimits(enabled=True)
    for step in range(5):
        call(limits, "it", 100.0 + step * 0.1)
    with pytest.raises(LimitExceededException) as raised:
        call(limits, "it", 100.5)
    assert raised.value.message == MESSAGE
    assert raised.value.status == 400
    call(limits, "it", 101.0)  # the first call has left the window


def test_throttled_calls_do_not_count() -> None:
    limits = ReadLimits(enabled=True)
    for step in range(5):
        call(limits, "it", 10.0 + step * 0.01)
    for _ in range(20):
        with pytest.raises(LimitExceededException):
            call(limits, "it", 10.5)
    call(limits, "it", 11.0)


def test_shards_are_limited_apart() -> None:
    limits = ReadLimits(enabled=True)
    for step in range(5):
        call(limits, "a", 1.0 + step * 0.01, shard=1)
        call(limits, "b", 1.0 + step * 0.01, shard=2)


def test_a_third_reader_is_throttled_until_one_goes_quiet() -> None:
    limits = ReadLimits(enabled=True)
    first = call(limits, "first", 50.0)
    limits.follow(first, "first-next", 50.0)
    call(limits, "second", 50.1)
    with pytest.raises(LimitExceededException):
        call(limits, "third", 50.2)
    # The first reader's chain continues: still one of the two.
    call(limits, "first-next", 50.3)
    # Two seconds later both have gone quiet and the third may read.
    with pytest.raises(LimitExceededException):
        call(limits, "third", 51.9)
    call(limits, "third", 52.35)


def test_disabled_limits_admit_everything() -> None:
    limits = ReadLimits(enabled=False)
    for step in range(50):
        assert call(limits, f"reader-{step}", 1.0) is None
