"""Shard iterator encoding: round trip, AWS's shape, tamper evidence, expiry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.streams import iterators
from headwater.streams.errors import ExpiredIteratorException, ValidationException

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/2015-05-20T20:51:10.252"
SECRET = b"s" * 32


@given(shard=st.integers(0, 2**63), seq=st.integers(0, 2**63),
       issued=st.integers(0, 2**40).map(lambda ms: ms / 1000))
def test_round_trip(shard: int, seq: int, issued: float) -> None:
    position = iterators.Position(ARN, shard, seq, issued)
    text = iterators.encode(position, SECRET)
    assert text.startswith(f"{ARN}|1|") and len(text) <= 2048
    assert iterators.decode(text, SECRET) == position


def test_every_changed_character_is_rejected() -> None:
    text = iterators.encode(iterators.Position(ARN, 3, 17, 1_700_000_000.5), SECRET)
    prefix = len(ARN) + 3
    for index in range(prefix, len(text)):
        replacement = "A" if text[index] != "A" else "B"
        changed = text[:index] + replacement + text[index + 1:]
        with pytest.raises(ValidationException):
            iterators.decode(changed, SECRET)


@pytest.mark.parametrize("text", ["", "x", f"{ARN}|1|", f"{ARN}|2|AAAA", "|1|AAAA",
                                  f"{ARN}|1|%%%"])
def test_garbage(text: str) -> None:
    with pytest.raises(ValidationException):
        iterators.decode(text, SECRET)


def test_another_secret_or_stream_is_rejected() -> None:
    text = iterators.encode(iterators.Position(ARN, 1, 2, 3.0), SECRET)
    with pytest.raises(ValidationException):
        iterators.decode(text, b"t" * 32)
    with pytest.raises(ValidationException):
        iterators.decode(text.replace("tbl", "tbx"), SECRET)


def test_expiry_after_fifteen_minutes() -> None:
    position = iterators.Position(ARN, 1, 2, 1000.0)
    iterators.check_age(position, 1000.0 + 900)
    with pytest.raises(ExpiredIteratorException) as raised:
        iterators.check_age(position, 1000.0 + 900.001)
    assert raised.value.message == "The provided iterator exceeds the maximum age allowed."
