"""Sequence number formatting and stream ARN parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.streams.arns import parse_stream_arn
from headwater.streams.errors import ValidationException
from headwater.streams.model import format_sequence, parse_sequence


@given(st.integers(0, 10**19), st.integers(0, 10**19))
def test_sequence_numbers_have_21_digits_and_compare_like_counters(a: int, b: int) -> None:
    left, right = format_sequence(a), format_sequence(b)
    assert len(left) == 21 and left.isdigit()
    assert (left < right) == (a < b) == (int(left) < int(right))
    assert parse_sequence(left) == a


def test_parse_sequence_rejects_non_digits() -> None:
    assert parse_sequence("12a") is None
    assert parse_sequence("") is None
    assert parse_sequence("1" * 20) == 0  # below the base: before anything we issued


def test_parse_stream_arn() -> None:
    arn = parse_stream_arn(
        "arn:aws:dynamodb:eu-west-1:123456789012:table/my.table-1/stream/2015-05-20T20:51:10.252")
    assert (arn.region, arn.account, arn.table, arn.label) == (
        "eu-west-1", "123456789012", "my.table-1", "2015-05-20T20:51:10.252")


@pytest.mark.parametrize("text", [
    "arn:aws:dynamodb:eu-west-1:123456789012:table/my-table",
    "arn:aws:dynamodb:eu-west-1:1234:table/my-table/stream/2015-05-20T20:51:10.252",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2015-05-20T20:51:10.252",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/my-table/stream/2015-05-20T20:51:10",
])
def test_malformed_stream_arns(text: str) -> None:
    with pytest.raises(ValidationException):
        parse_stream_arn(text)
