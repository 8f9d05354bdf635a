"""Attribute value semantics shared by the evaluators: types, equality, order, sizes.

Numbers compare as decimals, strings by UTF-8 bytes, binaries by decoded bytes; values of
different types are never equal and never ordered.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, TypeVar

from headwater.dynamodb.expressions.ast import AttributeValue
from headwater.dynamodb.numbers import to_decimal

SCALAR_ORDERED = frozenset({"S", "N", "B"})
SET_TYPES = frozenset({"SS", "NS", "BS"})
ALL_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")

_Key = TypeVar("_Key", Decimal, bytes)


def av_type(value: AttributeValue) -> str:
    return next(iter(value))


def decode_binary(data: Any) -> bytes:
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    return base64.b64decode(data)


def element_key(kind: str, element: Any) -> Any:
    """A hashable, comparable form of one scalar or set element of type `kind` (S, N or B)."""
    if kind in ("N", "NS"):
        return to_decimal(element)
    if kind in ("B", "BS"):
        return decode_binary(element)
    if kind in ("S", "SS"):
        return str(element).encode("utf-8")
    return element


def order_key(value: AttributeValue) -> Decimal | bytes | None:
    """The sort key of an S, N or B value; None for values that have no order."""
    kind = av_type(value)
    if kind not in SCALAR_ORDERED:
        return None
    key = element_key(kind, value[kind])
    assert isinstance(key, Decimal | bytes)
    return key


def equal(a: AttributeValue, b: AttributeValue) -> bool:
    kind = av_type(a)
    if kind != av_type(b):
        return False
    x, y = a[kind], b[kind]
    if kind in SCALAR_ORDERED:
        return bool(element_key(kind, x) == element_key(kind, y))
    if kind in SET_TYPES:
        return {element_key(kind, e) for e in x} == {element_key(kind, e) for e in y}
    if kind == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
    if kind == "M":
        return x.keys() == y.keys() and all(equal(x[k], y[k]) for k in x)
    return bool(x == y)


def compare(op: str, a: AttributeValue | None, b: AttributeValue | None) -> bool:
    """Evaluate a comparator; a missing operand or a type mismatch makes it false (`<>` true)."""
    if op == "=":
        return a is not None and b is not None and equal(a, b)
    if op == "<>":
        return not (a is not None and b is not None and equal(a, b))
    if a is None or b is None or av_type(a) != av_type(b):
        return False
    x, y = order_key(a), order_key(b)
    # Equal types give equal key types: numbers order as Decimals, strings and binaries as bytes.
    if isinstance(x, Decimal) and isinstance(y, Decimal):
        return _ordered(op, x, y)
    if isinstance(x, bytes) and isinstance(y, bytes):
        return _ordered(op, x, y)
    return False


def _ordered(op: str, x: _Key, y: _Key) -> bool:
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def size(value: AttributeValue) -> int | None:
    """size(): string length, binary length, element count; None for N, BOOL and NULL."""
    kind = av_type(value)
    if kind == "S":
        return len(value["S"])
    if kind == "B":
        return len(decode_binary(value["B"]))
    if kind in SET_TYPES or kind in ("L", "M"):
        return len(value[kind])
    return None


def contains(container: AttributeValue, needle: AttributeValue) -> bool:
    kind, needle_kind = av_type(container), av_type(needle)
    if kind == "S" and needle_kind == "S":
        return needle["S"] in container["S"]
    if kind == "B" and needle_kind == "B":
        return decode_binary(needle["B"]) in decode_binary(container["B"])
    if kind in SET_TYPES and needle_kind == kind[0]:
        key = element_key(needle_kind, needle[needle_kind])
        return any(element_key(kind, e) == key for e in container[kind])
    if kind == "L":
        return any(equal(element, needle) for element in container["L"])
    return False


def begins_with(value: AttributeValue, prefix: AttributeValue) -> bool:
    kind = av_type(value)
    if kind != av_type(prefix) or kind not in ("S", "B"):
        return False
    if kind == "S":
        return str(value["S"]).startswith(prefix["S"])
    return decode_binary(value["B"]).startswith(decode_binary(prefix["B"]))
