"""Key attributes: order-preserving byte encoding and the checks shared by every operation.

DynamoDB orders sort keys by UTF-8 bytes (S), unsigned bytes (B) and numeric value (N)
(AWS "Query" developer guide: "sorted in order by the sort key value"). Headwater stores each
key part in its own SQLite BLOB column, which SQLite compares with memcmp, so the encoding
below makes byte order equal DynamoDB order and numerically equal numbers encode identically.

Number layout (one byte per part, no terminator needed for non-negative numbers):
  negative: 0x01, 255 - (exponent + 130), (9 - digit) per digit, 0x0A
  zero:     0x02
  positive: 0x03, exponent + 130, digit per digit
`exponent` is the power of ten of the first significant digit, -130..125, so it fits a byte.
Negative numbers complement everything and end with a byte above any complemented digit, so
a longer mantissa (larger magnitude) sorts first.
"""

from __future__ import annotations

import base64
from typing import Any

from headwater.dynamodb.numbers import MIN_EXPONENT, Parts, format_parts, parse_number
from headwater.dynamodb.values import value_type
from headwater.wire.errors import ValidationException

MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024

_NEGATIVE, _ZERO, _POSITIVE = 0x01, 0x02, 0x03
_NEGATIVE_END = 0x0A

INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "
HASH_TOO_BIG = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_TOO_BIG = (
    INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)


def encode_key_value(av: dict[str, Any]) -> bytes:
    """Bytes whose memcmp order is DynamoDB's order for one S, N or B key value."""
    tag = value_type(av)
    if tag == "S":
        return str(av["S"]).encode("utf-8")
    if tag == "B":
        return base64.b64decode(av["B"])
    if tag == "N":
        return encode_number(av["N"])
    raise ValueError(f"not a key type: {tag or av!r}")


def decode_key_value(data: bytes, type: str) -> dict[str, str]:
    """The canonical wire attribute value for bytes made by encode_key_value."""
    if type == "S":
        return {"S": data.decode("utf-8")}
    if type == "B":
        return {"B": base64.b64encode(data).decode("ascii")}
    if type == "N":
        return {"N": decode_number(data)}
    raise ValueError(f"not a key type: {type}")


def encode_number(text: str) -> bytes:
    """Order-preserving bytes for a DynamoDB number (validated)."""
    parts = parse_number(text)
    if parts is None:
        return bytes([_ZERO])
    exponent = parts.exponent - MIN_EXPONENT
    digits = [int(d) for d in parts.digits]
    if parts.negative:
        return bytes([_NEGATIVE, 255 - exponent, *(9 - d for d in digits), _NEGATIVE_END])
    return bytes([_POSITIVE, exponent, *digits])


def decode_number(data: bytes) -> str:
    """The canonical number string for bytes made by encode_number."""
    if data[0] == _ZERO:
        return "0"
    if data[0] == _NEGATIVE:
        digits = "".join(str(9 - b) for b in data[2:-1])
        return format_parts(Parts(True, digits, 255 - data[1] + MIN_EXPONENT))
    digits = "".join(str(b) for b in data[2:])
    return format_parts(Parts(False, digits, data[1] + MIN_EXPONENT))


def prefix_upper_bound(prefix: bytes) -> bytes | None:
    """Smallest byte string above every string starting with `prefix`; None if unbounded."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def check_key_attribute(name: str, av: dict[str, Any], expected_type: str, is_hash: bool) -> None:
    """Raise DynamoDB's error if `av` cannot be the key attribute `name` of type expected_type."""
    encoded_key_attribute(name, av, expected_type, is_hash)


def encoded_key_attribute(name: str, av: dict[str, Any], expected_type: str,
                          is_hash: bool) -> bytes:
    """check_key_attribute, returning the value's encoding (encode_key_value) it made."""
    actual = value_type(av)
    if actual != expected_type:
        raise ValidationException(
            f"{INVALID}Type mismatch for key {name} expected: {expected_type} actual: {actual}"
        )
    if actual == "S":
        encoded = str(av["S"]).encode("utf-8")
    elif actual == "N":
        return encode_number(av["N"])  # numbers are range-checked on parse and always fit
    else:
        encoded = encode_key_value(av)
    size = len(encoded)
    if size == 0:
        kind = "string" if actual == "S" else "binary"
        raise ValidationException(
            f"{NOT_VALID}The AttributeValue for a key attribute cannot contain an empty "
            f"{kind} value. Key: {name}"
        )
    if is_hash and size > MAX_HASH_KEY_BYTES:
        raise ValidationException(HASH_TOO_BIG)
    if not is_hash and size > MAX_RANGE_KEY_BYTES:
        raise ValidationException(RANGE_TOO_BIG)
    return encoded
