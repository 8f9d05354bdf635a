"""Tests for headwater.dynamodb.item_size against AWS's documented and recorded sizes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb.item_size import (
    MAX_ITEM_SIZE,
    attribute_value_size,
    item_size,
    number_size,
)
from headwater.dynamodb.numbers import normalize_number, significant_digits

OLD = {"Id": {"N": "101"}, "Message": {"S": "New item!"}}
NEW = {"Id": {"N": "101"}, "Message": {"S": "This item has changed"}}
KEYS = {"Id": {"N": "101"}}


def test_stream_size_bytes_examples() -> None:
    """aws-facts.md §1.6: SizeBytes = size(Keys) + size(NewImage) + size(OldImage)."""
    assert item_size(KEYS) + item_size(OLD) == 26  # INSERT
    assert item_size(KEYS) + item_size(NEW) + item_size(OLD) == 59  # MODIFY
    assert item_size(KEYS) + item_size(NEW) == 38  # REMOVE


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 2),
        ("1", 2),
        ("101", 3),
        ("100", 2),  # trailing zeros trimmed
        ("0.001", 2),  # leading zeros trimmed
        ("-12.34", 3),
        ("12345", 4),
        ("9" * 38, 20),
    ],
)
def test_number_size(text: str, size: int) -> None:
    assert number_size(text) == size


@pytest.mark.parametrize(
    ("av", "size"),
    [
        ({"S": "héllo"}, 6),
        ({"S": ""}, 0),
        ({"B": "YWJj"}, 3),
        ({"BOOL": False}, 1),
        ({"NULL": True}, 1),
        ({"SS": ["a", "bc"]}, 3),
        ({"NS": ["1", "12345"]}, 6),
        ({"BS": ["YQ==", "YWJj"]}, 4),
        ({"L": []}, 3),
        ({"M": {}}, 3),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + 2 + 2 + 2),
        ({"M": {"k": {"S": "v"}, "né": {"BOOL": True}}}, 3 + 2 + (1 + 1) + (3 + 1)),
        ({"L": [{"M": {"a": {"L": []}}}]}, 3 + 1 + (3 + 1 + 1 + 3)),
    ],
)
def test_attribute_value_size(av: dict[str, Any], size: int) -> None:
    assert attribute_value_size(av) == size


def test_item_size_counts_utf8_names() -> None:
    assert item_size({"é": {"S": "a"}, "b": {"NULL": True}}) == 2 + 1 + 1 + 1


def test_max_item_size() -> None:
    assert MAX_ITEM_SIZE == 409_600


@given(st.decimals(allow_nan=False, allow_infinity=False, places=8,
                   min_value=Decimal("-1e25"), max_value=Decimal("1e25")))
def test_number_size_fast_path_agrees_with_parsing(value: Decimal) -> None:
    text = normalize_number(str(value))
    assert number_size(text) == (significant_digits(text) + 1) // 2 + 1
