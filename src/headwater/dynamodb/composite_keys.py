"""Multi-attribute index keys (GSI partition and sort keys of up to four attributes each,
AWS "Multi-attribute keys pattern", GSI.DesignPattern.MultiAttributeKeys).

A key of one attribute is stored as that value's order-preserving bytes (dynamodb/keys.py),
exactly as before multi-attribute keys existed. A key of several attributes is stored as the
concatenation of each value's bytes, escaped and terminated so that memcmp order of the whole
is the order of the values compared one after another (the sort order AWS documents: by the
first sort key attribute, then the second, ...):

  each 0x00 byte becomes 0x00 0xFF, and each component ends with 0x00 0x01.

A terminated component never is a prefix of another, and a shorter value sorts before any
value it is a prefix of (0x00 0x01 is below every escaped byte), so comparing the encodings
compares the first values, then the second, and so on.

The sort-key bounds of a Query follow from that: equalities on the first k attributes fix a
prefix P; a range condition on attribute k+1 bounds the bytes right after P.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from headwater.dynamodb.keys import encode_key_value, prefix_upper_bound
from headwater.dynamodb.query_store import SortRange

_TERMINATOR = b"\x00\x01"


def escape(data: bytes) -> bytes:
    return data.replace(b"\x00", b"\x00\xff")


def component(av: dict[str, Any]) -> bytes:
    """One attribute value as a terminated component of a multi-attribute key."""
    return escape(encode_key_value(av)) + _TERMINATOR


def encode(values: Sequence[dict[str, Any]]) -> bytes:
    """The stored bytes of a key made of these attribute values (one or several)."""
    if len(values) == 1:
        return encode_key_value(values[0])
    return b"".join(component(value) for value in values)


def sort_range(equalities: Sequence[dict[str, Any]], op: str | None,
               operands: Sequence[dict[str, Any]]) -> SortRange:
    """The bounds on a multi-attribute sort key of equalities on its first attributes and an
    optional range condition (EQ LT LE GT GE BETWEEN BEGINS_WITH) on the next one."""
    prefix = b"".join(component(value) for value in equalities)
    prefix_end = prefix_upper_bound(prefix) if prefix else None
    if op is None:
        return SortRange(prefix or None, True, prefix_end, False)
    if op == "BEGINS_WITH":
        start = prefix + escape(encode_key_value(operands[0]))
        return SortRange(start, True, prefix_upper_bound(start), False)
    first = prefix + component(operands[0])
    if op == "EQ":
        return SortRange(first, True, prefix_upper_bound(first), False)
    if op == "LT":
        return SortRange(prefix or None, True, first, False)
    if op == "LE":
        return SortRange(prefix or None, True, prefix_upper_bound(first), False)
    if op == "GT":
        return SortRange(prefix_upper_bound(first), True, prefix_end, False)
    if op == "GE":
        return SortRange(first, True, prefix_end, False)
    if op == "BETWEEN":
        last = prefix + component(operands[1])
        return SortRange(first, True, prefix_upper_bound(last), False)
    raise ValueError(f"not a sort key operator: {op}")
