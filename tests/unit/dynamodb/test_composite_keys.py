"""Tests for headwater.dynamodb.composite_keys: multi-attribute keys order like the tuple of
their values, and Query bounds select exactly the keys the conditions describe."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb import composite_keys

# Byte strings (as B values) with plenty of 0x00, 0x01 and 0xFF, the bytes the escaping uses.
VALUE = st.binary(max_size=4).map(lambda raw: bytes(b % 3 * 127 for b in raw))
NUMBER = st.integers(-50, 50)


def binary(data: bytes) -> dict[str, str]:
    return {"B": base64.b64encode(data).decode("ascii")}


def number(n: int) -> dict[str, str]:
    return {"N": str(n)}


@given(st.lists(st.tuples(VALUE, NUMBER), min_size=2, max_size=2))
def test_encoding_orders_like_the_tuples(pair: list[tuple[bytes, int]]) -> None:
    (a1, n1), (a2, n2) = pair
    first = composite_keys.encode([binary(a1), number(n1)])
    second = composite_keys.encode([binary(a2), number(n2)])
    expected = ((a1, Decimal(n1)) > (a2, Decimal(n2))) - ((a1, Decimal(n1)) < (a2, Decimal(n2)))
    assert ((first > second) - (first < second)) == expected


OPS = ["EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH", None]


def _holds(op: str | None, value: bytes, operands: list[bytes]) -> bool:
    if op is None:
        return True
    if op == "BEGINS_WITH":
        return value.startswith(operands[0])
    if op == "BETWEEN":
        return operands[0] <= value <= operands[1]
    tests: dict[str, Any] = {"EQ": value.__eq__, "LT": value.__lt__, "LE": value.__le__,
                             "GT": value.__gt__, "GE": value.__ge__}
    return bool(tests[op](operands[0]))


@given(VALUE, VALUE, VALUE, VALUE, VALUE, VALUE, st.sampled_from(OPS), st.booleans())
def test_sort_range_selects_what_the_conditions_say(
        first: bytes, second: bytes, third: bytes, equal: bytes, low: bytes, high: bytes,
        op: str | None, with_equality: bool) -> None:
    low, high = min(low, high), max(low, high)
    operands = [low, high] if op == "BETWEEN" else [low]
    equalities = [binary(equal)] if with_equality else []
    bounds = composite_keys.sort_range(equalities, op, [binary(v) for v in operands])
    values = [first, second, third] if with_equality else [second, third]
    key = composite_keys.encode([binary(v) for v in values])
    expected = (first == equal or not with_equality) and _holds(op, second, operands)
    assert bounds.contains(key) == expected
