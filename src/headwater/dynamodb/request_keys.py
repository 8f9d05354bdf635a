"""The `Key` parameter of a read (GetItem, BatchGetItem, ExclusiveStartKey), checked and
encoded in one pass.

`items.key_from_request` walks a key three times: `check_value` normalises every value, the
schema checks take its type and its encoded size, and `encode_key` encodes it again. Almost
every key a client sends is already what the schema wants: one member of the key's type,
a non-empty string or canonical base64 within the size limits, or a number. For such a key
one pass gives the same normalised key and the same bytes; anything else (a missing or extra
attribute, another type, a malformed value, a value too long, a failing check) goes through
`items.key_from_request`, so every error keeps its wording and its order.
"""

from __future__ import annotations

import base64
from typing import Any

from headwater.dynamodb import items
from headwater.dynamodb.keys import MAX_HASH_KEY_BYTES, MAX_RANGE_KEY_BYTES, encode_number
from headwater.dynamodb.numbers import normalize_number
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import check_base64
from headwater.wire.errors import AwsError


def key_from_request(table: Table, key: dict[str, Any]) -> tuple[dict[str, Any], items.Key]:
    """What `items.key_from_request` returns (the normalised key, which may be `key` itself
    when it needs no change, and its encoded bytes), and the same errors."""
    fast = _well_formed(table, key)
    return items.key_from_request(table, key) if fast is None else fast


def _well_formed(table: Table, key: dict[str, Any]
                 ) -> tuple[dict[str, Any], items.Key] | None:
    """The key and its bytes when every value is a valid one of the schema's types; None
    when the general path has to decide (it raises the error, if there is one)."""
    parts = table.key_parts
    if type(key) is not dict or len(key) != len(parts):
        return None
    try:
        name, expected, _ = parts[0]
        hk = _encoded(key.get(name), expected, MAX_HASH_KEY_BYTES)
        if hk is None:
            return None
        rk: bytes | None = b""
        if len(parts) > 1:
            range_name, range_type, _ = parts[1]
            rk = _encoded(key.get(range_name), range_type, MAX_RANGE_KEY_BYTES)
        if rk is None:
            return None
    except (AwsError, UnicodeEncodeError):
        return None
    if table.hash_type == "N" or table.range_type == "N":
        return _normalised(table, key), (hk, rk)
    return key, (hk, rk)


def _encoded(value: object, expected: str, limit: int) -> bytes | None:
    """The bytes of one key value that is exactly one member of the `expected` type and valid;
    None otherwise. Raises what a malformed number or base64 text raises."""
    if type(value) is not dict or len(value) != 1:
        return None
    text = value.get(expected)
    if type(text) is not str:
        return None
    if expected == "S":
        data = text.encode("utf-8")
    elif expected == "N":
        return encode_number(normalize_number(text))
    else:
        data = base64.b64decode(check_base64(text))
    return data if 0 < len(data) <= limit else None


def _normalised(table: Table, key: dict[str, Any]) -> dict[str, Any]:
    """The key with its numbers in canonical form (a copy only when one changes)."""
    normalised = key
    for name, expected, _ in table.key_parts:
        if expected == "N":
            text = key[name]["N"]
            number = normalize_number(text)
            if number != text:
                if normalised is key:
                    normalised = dict(key)
                normalised[name] = {"N": number}
    return normalised
