"""Attribute values from requests: well-formedness checks and normalisation.

Owns the rules every operation applies to an AttributeValue (AWS "Supported data types and
naming rules", API_AttributeValue): exactly one data type, non-empty duplicate-free sets,
numbers in range (canonicalised, see numbers.py), NULL only true, at most 32 nesting levels.
Empty S and B values are allowed here; key attributes are checked in keys.py.
Messages are the ones real DynamoDB returns (dynalite's suite asserts them).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from headwater.dynamodb.item_size import (
    CONTAINER_OVERHEAD,
    ELEMENT_OVERHEAD,
    SCALAR_FLAG_SIZE,
    number_size,
)
from headwater.dynamodb.numbers import normalize_number
from headwater.wire.errors import SerializationException, ValidationException
from headwater.wire.validate import (
    DEFAULT_PACKAGE,
    NOT_A_STRUCTURE,
    NOT_A_UNION_VALUE,
    UNEXPECTED_FIELD,
    type_mismatch,
)

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
MAX_DEPTH = 32  # a top-level attribute is level 1

INVALID = "One or more parameter values were invalid: "
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
NULL_NOT_TRUE = INVALID + "Null attribute value types must have the value of true"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
# The double space and "An string/number" are DynamoDB's own wording.
EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}
NS_DUPLICATES = "Input collection contains duplicates"
# Wrong JSON types, in the current wording of AWS's JSON front end (see wire/validate.py).
ATTRIBUTE_VALUE_CLASS = f"class {DEFAULT_PACKAGE}.AttributeValue"
ATTRIBUTE_MAP_CLASS = f"java.util.Map<java.lang.String, {DEFAULT_PACKAGE}.AttributeValue>"

_BASE64_CHAR = re.compile(r"[^A-Za-z0-9+/=]|=[^=]")


def value_type(av: dict[str, Any]) -> str:
    """The data type tag of an attribute value ("S", "N", ...); "" if none is set."""
    for tag in av:
        if tag in TYPES and av[tag] is not None:
            return tag
    return ""


def check_item(item: dict[str, Any]) -> dict[str, Any]:
    """Check every attribute of an item; return it with values normalised."""
    return checked_item(item)[0]


def checked_item(item: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Check every attribute of an item and size it (item_size.py's rules) in one pass over
    it; return it with values normalised, and its size."""
    checked = {}
    size = 0
    # The names and the plain strings are sized together at the end: the UTF-8 length of
    # their concatenation is the sum of theirs.
    texts = []
    for name, av in item.items():
        # A plain string or boolean is kept as it came (nothing to normalise); anything
        # else takes the general check.
        if type(av) is dict and len(av) == 1:
            value = av.get("S")
            if type(value) is str:
                checked[name] = av
                texts.append(value)
                continue
            if type(av.get("BOOL")) is bool:
                checked[name] = av
                size += SCALAR_FLAG_SIZE
                continue
        checked[name], value_size = checked_value(av)
        size += value_size
    texts.extend(checked)
    joined = "".join(texts)
    return checked, size + (len(joined) if joined.isascii() else len(joined.encode("utf-8")))


def check_value(av: object, depth: int = 1) -> dict[str, Any]:
    """Check one attribute value recursively; return it normalised (numbers canonical)."""
    return checked_value(av, depth)[0]


def checked_value(av: object, depth: int = 1) -> tuple[dict[str, Any], int]:
    """Check one attribute value recursively; return it normalised (numbers canonical) with
    its size in bytes (item_size.attribute_value_size)."""
    if depth > MAX_DEPTH:
        raise ValidationException(TOO_DEEP)
    if type(av) is dict and len(av) == 1:
        # The usual shape, one data type: skip the general path's bookkeeping.
        for tag, value in av.items():
            check = _CHECKS.get(tag)
            if check is not None and value is not None:
                normalised, size = check(value, depth)
                return {tag: normalised}, size
    if isinstance(av, list):
        raise SerializationException(f"Unrecognized collection type {ATTRIBUTE_VALUE_CLASS}")
    if not isinstance(av, dict):
        raise SerializationException(NOT_A_UNION_VALUE)
    # JSON nulls count as absent members, as in any AWS JSON request.
    tags = [tag for tag in av if tag in TYPES and av[tag] is not None]
    if not tags:
        raise ValidationException(EMPTY)
    # DynamoDB reports a bad member before reporting that several are set.
    checked = {tag: _CHECKS[tag](av[tag], depth) for tag in tags}
    if len(tags) > 1:
        raise ValidationException(SEVERAL)
    ((tag, (normalised, size)),) = checked.items()
    return {tag: normalised}, size


# Each check returns the normalised value and its size (item_size.py's rules).
Checked = tuple[Any, int]


def _check_s(value: object, depth: int) -> Checked:
    text = _string(value, "String")
    return text, len(text) if text.isascii() else len(text.encode("utf-8"))


def _check_n(value: object, depth: int) -> Checked:
    number = normalize_number(_string(value, "String"))
    return number, number_size(number)


def _check_b(value: object, depth: int) -> Checked:
    text = check_base64(_string(value, "Blob"))
    return text, _decoded_size(text)


def _check_bool(value: object, depth: int) -> Checked:
    if not isinstance(value, bool):
        raise SerializationException(type_mismatch(value, "Boolean"))
    return value, SCALAR_FLAG_SIZE


def _check_null(value: object, depth: int) -> Checked:
    if not isinstance(value, bool):
        raise SerializationException(type_mismatch(value, "Boolean"))
    if not value:
        raise ValidationException(NULL_NOT_TRUE)
    return True, SCALAR_FLAG_SIZE


_ONLY_STR = {str}


def _check_ss(value: object, depth: int) -> Checked:
    # The usual set, distinct strings, passes in a few C-level steps (the UTF-8 size of
    # the members is that of their concatenation); anything else takes the checks below.
    if (type(value) is list and value and set(map(type, value)) == _ONLY_STR
            and len(set(value)) == len(value)):
        joined = "".join(value)
        return list(value), len(joined) if joined.isascii() else len(joined.encode("utf-8"))
    return _check_ss_members(value)


def _check_ss_members(value: object) -> Checked:
    members = [_string(m, "String") for m in _set(value, "SS")]
    if len(set(members)) != len(members):
        raise ValidationException(
            f"{INVALID}Input collection {_render(members)} contains duplicates."
        )
    return members, sum(len(m) if m.isascii() else len(m.encode("utf-8")) for m in members)


def _check_ns(value: object, depth: int) -> Checked:
    members = [normalize_number(_string(m, "String")) for m in _set(value, "NS")]
    # Canonical forms are equal exactly when the numbers are ("1" and "1.0" clash).
    if len(set(members)) != len(members):
        raise ValidationException(NS_DUPLICATES)
    return members, sum(map(number_size, members))


def _check_bs(value: object, depth: int) -> Checked:
    members = [check_base64(_string(m, "Blob")) for m in _set(value, "BS")]
    if len(set(members)) != len(members):
        # No space before "of": DynamoDB's wording.
        raise ValidationException(
            f"{INVALID}Input collection {_render(members)}of type BS contains duplicates."
        )
    return members, sum(map(_decoded_size, members))


def _check_m(value: object, depth: int) -> Checked:
    if isinstance(value, list):
        raise SerializationException(f"Unrecognized collection type {ATTRIBUTE_MAP_CLASS}")
    if not isinstance(value, dict):
        raise SerializationException(UNEXPECTED_FIELD)
    checked = {}
    size = CONTAINER_OVERHEAD + ELEMENT_OVERHEAD * len(value)
    for name, child in value.items():
        checked[name], child_size = checked_value(child, depth + 1)
        size += (len(name) if name.isascii() else len(name.encode("utf-8"))) + child_size
    return checked, size


def _check_l(value: object, depth: int) -> Checked:
    if not isinstance(value, list):
        raise SerializationException(_not_a_list(value))
    checked = []
    size = CONTAINER_OVERHEAD + ELEMENT_OVERHEAD * len(value)
    for child in value:
        normalised, child_size = checked_value(child, depth + 1)
        checked.append(normalised)
        size += child_size
    return checked, size


_CHECKS: dict[str, Callable[[Any, int], Checked]] = {
    "S": _check_s,
    "N": _check_n,
    "B": _check_b,
    "SS": _check_ss,
    "NS": _check_ns,
    "BS": _check_bs,
    "M": _check_m,
    "L": _check_l,
    "NULL": _check_null,
    "BOOL": _check_bool,
}


def _decoded_size(text: str) -> int:
    """The byte length of a canonical base64 text (check_base64 has checked it)."""
    return len(text) // 4 * 3 - text.count("=", -2)


def check_base64(text: str) -> str:
    """Validate a base64 blob as DynamoDB's JSON layer does (SerializationException).

    Current AWS wording has no "'x' can not be converted to a Blob: " prefix, and reports a
    misplaced pad ('=+/=') as an invalid last character (dynalite's suite, live DynamoDB).
    """
    if len(text) % 4:
        raise SerializationException(
            f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(text)}"
        )
    bad = _BASE64_CHAR.search(text)
    if bad and bad.group()[0] != "=":
        raise SerializationException(f"Invalid Base64 character: '{bad.group()[0]}'")
    try:
        canonical = base64.b64encode(base64.b64decode(text, validate=True)).decode("ascii")
    except binascii.Error:
        canonical = ""
    if canonical != text:
        # "dectected" is DynamoDB's spelling.
        raise SerializationException("Invalid last non-pad Base64 character dectected")
    return text


def _not_a_list(value: object) -> str:
    return NOT_A_STRUCTURE if isinstance(value, dict) else UNEXPECTED_FIELD


def _set(value: object, tag: str) -> list[Any]:
    if not isinstance(value, list):
        raise SerializationException(_not_a_list(value))
    if not value:
        raise ValidationException(EMPTY_SET[tag])
    return value


def _string(value: object, shape: str) -> str:
    if isinstance(value, str):
        return value
    raise SerializationException(type_mismatch(value, shape))


def _render(members: list[str]) -> str:
    return "[" + ", ".join(members) + "]"
