"""DynamoDB item size, as used for the 400 KB item limit and stream records' SizeBytes.

Rules from AWS "DynamoDB item sizes and formats" (CapacityUnitCalculations.html): each
attribute costs its UTF-8 name length plus its value; S is UTF-8 length, N is one byte per two
significant digits (leading and trailing zeros trimmed) plus one, B is raw length, BOOL and
NULL one byte, List and Map 3 bytes plus one byte per element plus the elements (map entries
counting their names), sets the sum of their members. aws-facts.md §1.6 checks this against
recorded SizeBytes (Id N "101" + Message S "New item!" INSERT = 26).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from headwater.dynamodb.numbers import significant_digits

MAX_ITEM_SIZE = 400 * 1024
CONTAINER_OVERHEAD = 3
ELEMENT_OVERHEAD = 1
SCALAR_FLAG_SIZE = 1  # BOOL and NULL


def item_size(item: dict[str, Any]) -> int:
    """Size in bytes of an item (attribute name -> wire attribute value)."""
    return sum(_name_size(name) + attribute_value_size(av) for name, av in item.items())


def attribute_value_size(av: dict[str, Any]) -> int:
    """Size in bytes of one attribute value, without its name."""
    for tag, value in av.items():
        if value is not None and tag in _SIZES:
            return _SIZES[tag](value)
    raise ValueError(f"not an attribute value: {av!r}")


def number_size(text: str) -> int:
    """One byte per two significant digits, rounded up, plus one."""
    if "e" in text or "E" in text:
        digits = significant_digits(text)
    else:
        # Plain decimal notation (every stored number): trim sign, point and the zeros.
        digits = len(text.lstrip("+-").replace(".", "").strip("0")) or 1
    return (digits + 1) // 2 + 1


def _name_size(name: str) -> int:
    return len(name) if name.isascii() else len(name.encode("utf-8"))


def _string_size(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8"))


def _binary_size(value: str) -> int:
    return len(base64.b64decode(value))


def _map_size(value: dict[str, Any]) -> int:
    entries = sum(_name_size(k) + attribute_value_size(v) for k, v in value.items())
    return CONTAINER_OVERHEAD + ELEMENT_OVERHEAD * len(value) + entries


def _list_size(value: list[Any]) -> int:
    elements = sum(attribute_value_size(v) for v in value)
    return CONTAINER_OVERHEAD + ELEMENT_OVERHEAD * len(value) + elements


_SIZES: dict[str, Callable[[Any], int]] = {
    "S": _string_size,
    "N": number_size,
    "B": _binary_size,
    "BOOL": lambda _: SCALAR_FLAG_SIZE,
    "NULL": lambda _: SCALAR_FLAG_SIZE,
    "SS": lambda members: sum(map(_string_size, members)),
    "NS": lambda members: sum(map(number_size, members)),
    "BS": lambda members: sum(map(_binary_size, members)),
    "M": _map_size,
    "L": _list_size,
}
