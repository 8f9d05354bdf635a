"""DynamoDB numbers: parsing, range checks, canonical form and arithmetic.

DynamoDB stores numbers with up to 38 significant digits and a magnitude between 1E-130 and
9.9999999999999999999999999999999999999E+125 (AWS "Supported data types and naming rules").
It answers with the canonical form: no exponent, no leading or trailing zeros, "-0" as "0".
Error wording follows the messages real DynamoDB returns (also asserted by dynalite's suite).
"""

from __future__ import annotations

import re
from decimal import Context, Decimal
from typing import NamedTuple

from headwater.wire.errors import ValidationException

MAX_DIGITS = 38
MAX_EXPONENT = 125  # largest power of ten of a number's first digit
MIN_EXPONENT = -130  # smallest power of ten of a number's first digit

NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
TOO_MANY_DIGITS = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

# Enough precision to add or subtract any two valid numbers exactly: digits span from
# 10^125 down to 10^-167 (a 38-digit number starting at 10^-130), plus a carry.
ARITHMETIC = Context(prec=320, Emax=999_999, Emin=-999_999)

_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
# Plain notation with at most 38 digits: its Decimal is its exact value, no parse needed.
_PLAIN = re.compile(r"-?[0-9]{1,38}(?:\.[0-9]{1,38})?")
# Already canonical (no exponent, no leading or trailing zeros, no "-0"): with at most 38
# characters its digits and magnitude are in range, so it is its own canonical form.
_CANONICAL = re.compile(r"-?[1-9][0-9]*(?:\.[0-9]*[1-9])?|-?0\.[0-9]*[1-9]|0")
_MAX_EXPONENT_CHARS = 12  # beyond this an exponent is out of range whatever the mantissa


class Parts(NamedTuple):
    """A nonzero number as sign, significant digits (no leading/trailing zeros), exponent.

    `exponent` is the power of ten of the first digit (scientific notation).
    """

    negative: bool
    digits: str
    exponent: int


def parse_number(text: str) -> Parts | None:
    """Validate `text` as a DynamoDB number; None means zero. Raises ValidationException."""
    match = _NUMBER.fullmatch(text) if isinstance(text, str) else None
    if not text:
        raise ValidationException(NOT_NUMERIC)
    if match is None or not (match.group(2) or match.group(3)):
        raise ValidationException(f"{NOT_NUMERIC}: {text}")
    sign, whole, fraction, exponent_text = match.groups()
    fraction = fraction or ""
    raw = (whole + fraction).lstrip("0")
    if not raw:
        return None
    digits = raw.rstrip("0")
    exponent = _scale(exponent_text) + len(raw) - len(fraction) - 1
    return _checked(Parts(sign == "-", digits, exponent))


def _scale(exponent_text: str | None) -> int:
    """The explicit exponent; absurdly long ones are clamped so the range check rejects them."""
    if not exponent_text:
        return 0
    unsigned = exponent_text.lstrip("+-").lstrip("0")
    if len(unsigned) > _MAX_EXPONENT_CHARS:
        raise ValidationException(UNDERFLOW if exponent_text.startswith("-") else OVERFLOW)
    return int(exponent_text)


def _checked(parts: Parts) -> Parts:
    # DynamoDB checks the magnitude before the digit count (dynalite checkNum order).
    if parts.exponent > MAX_EXPONENT:
        raise ValidationException(OVERFLOW)
    if parts.exponent < MIN_EXPONENT:
        raise ValidationException(UNDERFLOW)
    if len(parts.digits) > MAX_DIGITS:
        raise ValidationException(TOO_MANY_DIGITS)
    return parts


def format_parts(parts: Parts | None) -> str:
    """Render parts in DynamoDB's canonical plain notation."""
    if parts is None:
        return "0"
    sign = "-" if parts.negative else ""
    digits, point = parts.digits, parts.exponent + 1  # digits before the decimal point
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def normalize_number(text: str) -> str:
    """Validate a number string and return DynamoDB's canonical form ("1.50" -> "1.5")."""
    if type(text) is str and len(text) <= MAX_DIGITS and _CANONICAL.fullmatch(text):
        return text
    return format_parts(parse_number(text))


def significant_digits(text: str) -> int:
    """Count of significant digits of a valid number (leading/trailing zeros trimmed; 0 -> 1)."""
    parts = parse_number(text)
    return 1 if parts is None else len(parts.digits)


def to_decimal(text: str) -> Decimal:
    """The exact Decimal value of a valid number, for comparison and arithmetic.

    Stored numbers are canonical (plain notation), so the common case is one regex match and
    a Decimal: a filter over a 1 MB Scan page compares thousands of them, on the event loop."""
    if isinstance(text, str) and _PLAIN.fullmatch(text):
        return Decimal(text)
    return Decimal(normalize_number(text))


def from_decimal(value: Decimal) -> str:
    """Canonical string of a Decimal result, with DynamoDB's range and precision errors."""
    if not value.is_finite():
        raise ValidationException(OVERFLOW)
    if value.is_zero():
        return "0"
    sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    raw = "".join(map(str, digit_tuple)).lstrip("0")
    digits = raw.rstrip("0")
    parts = Parts(bool(sign), digits, exponent + len(raw) - 1)
    return format_parts(_checked(parts))


def add_numbers(a: str, b: str) -> str:
    """a + b as a canonical number string (SET a = a + b, ADD)."""
    return from_decimal(ARITHMETIC.add(to_decimal(a), to_decimal(b)))


def subtract_numbers(a: str, b: str) -> str:
    """a - b as a canonical number string (SET a = a - b)."""
    return from_decimal(ARITHMETIC.subtract(to_decimal(a), to_decimal(b)))
