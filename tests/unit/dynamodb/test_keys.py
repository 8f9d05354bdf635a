"""Tests for headwater.dynamodb.keys: order-preserving encoding and key checks."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb.keys import (
    HASH_TOO_BIG,
    RANGE_TOO_BIG,
    check_key_attribute,
    decode_key_value,
    encode_key_value,
    encoded_key_attribute,
    prefix_upper_bound,
)
from headwater.dynamodb.numbers import normalize_number
from headwater.wire.errors import ValidationException


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Any valid DynamoDB number: up to 38 digits, first digit at 10^-130..10^125, or zero."""
    digits = draw(st.text("0123456789", min_size=1, max_size=38).filter(lambda d: d[0] != "0"))
    exponent = draw(st.integers(-130, 125))
    sign = draw(st.sampled_from(["", "-"]))
    return draw(st.sampled_from([f"{sign}{digits[0]}.{digits[1:]}0E{exponent}", "0", "-0.00"]))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _order(x: Any, y: Any) -> int:
    return (x > y) - (x < y)


@given(st.text())
def test_strings_round_trip(text: str) -> None:
    encoded = encode_key_value({"S": text})
    assert decode_key_value(encoded, "S") == {"S": text}


@given(st.text(), st.text())
def test_string_order_is_utf8_byte_order(a: str, b: str) -> None:
    assert _order(encode_key_value({"S": a}), encode_key_value({"S": b})) == _order(
        a.encode("utf-8"), b.encode("utf-8")
    )


@given(st.binary(), st.binary())
def test_binary_round_trips_and_orders_by_bytes(a: bytes, b: bytes) -> None:
    encoded_a, encoded_b = encode_key_value({"B": _b64(a)}), encode_key_value({"B": _b64(b)})
    assert decode_key_value(encoded_a, "B") == {"B": _b64(a)}
    assert _order(encoded_a, encoded_b) == _order(a, b)


@given(numbers())
def test_numbers_round_trip_to_canonical_form(text: str) -> None:
    encoded = encode_key_value({"N": text})
    assert decode_key_value(encoded, "N") == {"N": normalize_number(text)}
    assert encode_key_value({"N": normalize_number(text)}) == encoded


@given(numbers(), numbers())
def test_number_byte_order_is_numeric_order(a: str, b: str) -> None:
    assert _order(encode_key_value({"N": a}), encode_key_value({"N": b})) == _order(
        Decimal(a), Decimal(b)
    )


@pytest.mark.parametrize(
    "ascending",
    [
        [
            "-9.9999999999999999999999999999999999999E+125",
            "-1e125",
            "-100",
            "-10.5",
            "-10",
            "-9.99",
            "-1.5",
            "-1",
            "-0.5",
            "-1e-130",
            "0",
            "1e-130",
            "0.5",
            "1",
            "1.5",
            "9.99",
            "10",
            "10.5",
            "100",
            "1e125",
            "9.9999999999999999999999999999999999999E+125",
        ]
    ],
)
def test_number_examples_sort_numerically(ascending: list[str]) -> None:
    encoded = [encode_key_value({"N": n}) for n in ascending]
    assert sorted(encoded) == encoded
    assert len(set(encoded)) == len(encoded)


def test_numerically_equal_numbers_encode_identically() -> None:
    forms = ["1", "1.0", "01", "1E0", "0.1e1", "+1.000"]
    assert len({encode_key_value({"N": n}) for n in forms}) == 1
    assert encode_key_value({"N": "-0"}) == encode_key_value({"N": "0.000"})


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [
        (b"abc", b"abd"),
        (b"a\xff", b"b"),
        (b"a\xfe\xff\xff", b"a\xff"),
        (b"\xff\xff", None),
        (b"", None),
    ],
)
def test_prefix_upper_bound_examples(prefix: bytes, bound: bytes | None) -> None:
    assert prefix_upper_bound(prefix) == bound


@given(st.binary(min_size=1), st.binary())
def test_prefix_upper_bound_is_above_every_extension(prefix: bytes, suffix: bytes) -> None:
    bound = prefix_upper_bound(prefix)
    if bound is not None:
        assert prefix + suffix < bound
        assert not bound.startswith(prefix)


def _key_error(name: str, av: dict[str, Any], expected: str, is_hash: bool = True) -> str:
    with pytest.raises(ValidationException) as caught:
        check_key_attribute(name, av, expected, is_hash)
    return caught.value.message


def test_key_type_mismatch() -> None:
    assert _key_error("id", {"N": "1"}, "S") == (
        "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"
    )


def test_empty_key_values() -> None:
    prefix = "One or more parameter values are not valid. The AttributeValue for a key attribute "
    assert _key_error("pk", {"S": ""}, "S") == (
        prefix + "cannot contain an empty string value. Key: pk"
    )
    assert _key_error("sk", {"B": ""}, "B", is_hash=False) == (
        prefix + "cannot contain an empty binary value. Key: sk"
    )


def test_key_size_limits_count_utf8_and_raw_bytes() -> None:
    check_key_attribute("pk", {"S": "a" * 2048}, "S", True)
    check_key_attribute("pk", {"B": _b64(b"x" * 2048)}, "B", True)
    check_key_attribute("sk", {"S": "é" * 512}, "S", False)
    assert _key_error("pk", {"S": "a" * 2049}, "S") == HASH_TOO_BIG
    assert _key_error("pk", {"B": _b64(b"x" * 2049)}, "B") == HASH_TOO_BIG
    assert _key_error("sk", {"S": "é" * 513}, "S", is_hash=False) == RANGE_TOO_BIG
    assert HASH_TOO_BIG.endswith("maximum size limit of2048 bytes")


def test_number_keys_have_no_size_limit() -> None:
    check_key_attribute("pk", {"N": "-" + "9" * 38 + "e-130"}, "N", True)


@given(st.one_of(
    st.text(min_size=1, max_size=50).map(lambda text: ("S", {"S": text})),
    st.binary(min_size=1, max_size=50).map(lambda data: ("B", {"B": _b64(data)})),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda number: ("N", {"N": normalize_number(str(number))})),
))
def test_a_checked_key_attribute_encodes_as_encode_key_value(typed: tuple[str, Any]) -> None:
    """PutItem's key: the check hands back the encoding it made, the same bytes."""
    kind, av = typed
    for is_hash in (True, False):
        assert encoded_key_attribute("k", av, kind, is_hash) == encode_key_value(av)
