"""Tests for headwater.dynamodb.numbers: canonical form, range errors, arithmetic."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb.numbers import (
    NOT_NUMERIC,
    OVERFLOW,
    TOO_MANY_DIGITS,
    UNDERFLOW,
    add_numbers,
    format_parts,
    normalize_number,
    parse_number,
    subtract_numbers,
    to_decimal,
)
from headwater.wire.errors import ValidationException

MAX = "9.9999999999999999999999999999999999999E+125"


@st.composite
def numbers(draw: st.DrawFn, low: int = -130, high: int = 125) -> str:
    """A valid DynamoDB number (first digit at 10^low..10^high), written in varied ways."""
    digits = draw(st.text("0123456789", min_size=1, max_size=38).filter(lambda d: d[0] != "0"))
    exponent = draw(st.integers(low, high))
    sign = draw(st.sampled_from(["", "-", "+"]))
    padding = "0" * draw(st.integers(0, 3))
    text = f"{sign}{padding}{digits[0]}.{digits[1:]}{padding}E{exponent}"
    return draw(st.sampled_from([text, text.lower(), str(Decimal(text))]))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.50", "1.5"),
        ("01", "1"),
        ("1E2", "100"),
        ("-0", "0"),
        ("0.00", "0"),
        ("1e-5", "0.00001"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-1.2e-3", "-0.0012"),
        ("0e999999999999999999999", "0"),
        ("1" + "0" * 100, "1" + "0" * 100),
        ("1e-130", "0." + "0" * 129 + "1"),
        (MAX, "9" * 38 + "0" * 88),
    ],
)
def test_normalize_number_canonical_form(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", NOT_NUMERIC),
        ("a", f"{NOT_NUMERIC}: a"),
        (".", f"{NOT_NUMERIC}: ."),
        ("1e", f"{NOT_NUMERIC}: 1e"),
        (" 1", f"{NOT_NUMERIC}:  1"),
        ("NaN", f"{NOT_NUMERIC}: NaN"),
        ("Infinity", f"{NOT_NUMERIC}: Infinity"),
        ("\u0661", f"{NOT_NUMERIC}: \u0661"),  # Arabic-Indic one: not an ASCII digit
        ("123456789012345678901234567890123456789", TOO_MANY_DIGITS),
        ("-1.23456789012345678901234567890123456789", TOO_MANY_DIGITS),
        ("1e126", OVERFLOW),
        ("-1e126", OVERFLOW),
        ("1e99999999999999999999", OVERFLOW),
        ("1e-131", UNDERFLOW),
        ("0.99e-130", UNDERFLOW),
    ],
)
def test_normalize_number_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        normalize_number(text)
    assert caught.value.message == message


def test_overflow_is_reported_before_digit_count() -> None:
    with pytest.raises(ValidationException, match="overflow"):
        normalize_number("1" * 39 + "e126")


@given(numbers())
def test_normalize_number_is_idempotent_and_keeps_the_value(text: str) -> None:
    canonical = normalize_number(text)
    assert normalize_number(canonical) == canonical
    assert Decimal(canonical) == Decimal(text)
    assert "e" not in canonical.lower()
    assert to_decimal(text) == Decimal(text)


@given(numbers() | numbers(-3, 3), numbers() | numbers(-3, 3))
def test_add_and_subtract_are_exact_or_rejected(a: str, b: str) -> None:
    with localcontext(prec=1000):  # exact for any two valid numbers
        sums = ((add_numbers, Decimal(a) + Decimal(b)), (subtract_numbers, Decimal(a) - Decimal(b)))
    for operation, expected in sums:
        try:
            result = operation(a, b)
        except ValidationException as error:
            assert error.message in (TOO_MANY_DIGITS, OVERFLOW, UNDERFLOW)
            continue
        assert Decimal(result) == expected
        assert normalize_number(result) == result


def test_arithmetic_examples() -> None:
    assert add_numbers("0.1", "0.2") == "0.3"
    assert subtract_numbers("1", "1.0") == "0"
    assert add_numbers("-5", "2.50") == "-2.5"
    assert add_numbers(MAX, "0") == normalize_number(MAX)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (MAX, "1e88", OVERFLOW),
        ("1e125", "1e-130", TOO_MANY_DIGITS),
        ("1e-130", "-0.9e-130", UNDERFLOW),
    ],
)
def test_arithmetic_errors(a: str, b: str, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        add_numbers(a, b)
    assert caught.value.message == message


@pytest.mark.parametrize("text", [
    "0", "-0", "1", "-1", "10", "1.5", "1.50", "-0.5", "0.05", "00.1", "0.0", "12345.678",
    "9" * 38, "9" * 39, "1" + "0" * 37, "0." + "0" * 35 + "1", "-" + "9" * 38, "1e3", "1.",
])
def test_canonical_shortcut_agrees_with_the_parse(text: str) -> None:
    """normalize_number returns a canonical plain number as it is: the same answer (or the
    same error) as parsing it."""
    try:
        expected = format_parts(parse_number(text))
    except ValidationException as error:
        with pytest.raises(ValidationException, match=re.escape(error.message)):
            normalize_number(text)
    else:
        assert normalize_number(text) == expected
