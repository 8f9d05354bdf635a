"""Tests for headwater.dynamodb.values: attribute value checks and normalisation."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.values import (
    EMPTY,
    MAX_DEPTH,
    SEVERAL,
    TOO_DEEP,
    _check_ss_members,
    check_item,
    check_value,
    checked_item,
    checked_value,
    value_type,
)
from headwater.wire.errors import SerializationException, ValidationException

INVALID = "One or more parameter values were invalid: "


def _nested(levels: int) -> dict[str, Any]:
    """A value whose leaf sits at `levels` (the attribute itself is level 1)."""
    value: dict[str, Any] = {"S": "leaf"}
    for _ in range(levels - 1):
        value = {"M": {"n": value}}
    return value


@pytest.mark.parametrize(
    "av",
    [
        {"S": "a"},
        {"S": ""},
        {"B": "YWJj"},
        {"B": ""},
        {"BOOL": False},
        {"NULL": True},
        {"SS": ["a", "b", ""]},
        {"BS": ["Yg==", "Yw=="]},
        {"L": []},
        {"M": {}},
        {"L": [{"S": "x"}, {"M": {"k": {"BOOL": True}}}]},
    ],
)
def test_valid_values_pass_unchanged(av: dict[str, Any]) -> None:
    assert check_value(av) == av


def test_numbers_are_canonicalised_everywhere() -> None:
    av = {"M": {"n": {"N": "1.50"}, "l": {"L": [{"N": "01"}, {"NS": ["1E2", "-0"]}]}}}
    assert check_value(av) == {
        "M": {"n": {"N": "1.5"}, "l": {"L": [{"N": "1"}, {"NS": ["100", "0"]}]}}
    }


def test_json_nulls_count_as_absent() -> None:
    assert check_value({"S": None, "N": "2.0"}) == {"N": "2"}


@pytest.mark.parametrize(
    ("av", "message"),
    [
        ({}, EMPTY),
        ({"S": None}, EMPTY),
        ({"X": "a"}, EMPTY),
        ({"L": [{}]}, EMPTY),
        ({"M": {"a": {}}}, EMPTY),
        ({"S": "a", "N": "1"}, SEVERAL),
        ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        ({"N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
        ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
        ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", ""]}, "The parameter cannot be converted to a numeric value"),
        (
            {"BS": ["Yg==", "Yg=="]},
            INVALID + "Input collection [Yg==, Yg==]of type BS contains duplicates.",
        ),
        (
            {"N": "1e126"},
            "Number overflow. Attempting to store a number with magnitude larger "
            "than supported range",
        ),
    ],
)
def test_invalid_values(av: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        check_value(av)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("av", "message"),
    [
        ({"B": "abc"}, "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        ({"B": "ab!c"}, "Invalid Base64 character: '!'"),
        ({"BS": ["Yh=="]}, "Invalid last non-pad Base64 character dectected"),
        ({"BOOL": "yes"}, "Unexpected token received from parser"),
        ({"BOOL": 1}, "NUMBER_VALUE cannot be converted to Boolean"),
        ({"S": 5}, "NUMBER_VALUE cannot be converted to String"),
        ({"L": {}}, "Start of structure or map found where not expected"),
        ({"M": []}, "Unrecognized collection type java.util.Map<java.lang.String, "
                    "com.amazonaws.dynamodb.v20120810.AttributeValue>"),
    ],
)
def test_wrongly_typed_members_are_serialization_errors(av: dict[str, Any], message: str) -> None:
    with pytest.raises(SerializationException) as caught:
        check_value(av)
    assert caught.value.message == message


def test_nesting_limit() -> None:
    deepest = _nested(MAX_DEPTH)
    assert check_value(deepest) == deepest
    with pytest.raises(ValidationException) as caught:
        check_value(_nested(MAX_DEPTH + 1))
    assert caught.value.message == TOO_DEEP


def test_check_item_checks_every_attribute() -> None:
    assert check_item({"id": {"S": "a"}, "n": {"N": "0.10"}}) == {
        "id": {"S": "a"},
        "n": {"N": "0.1"},
    }
    with pytest.raises(ValidationException):
        check_item({"id": {"S": "a"}, "bad": {"SS": []}})


@pytest.mark.parametrize("tag", ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"])
def test_value_type(tag: str) -> None:
    assert value_type({tag: "x"}) == tag


def test_value_type_of_empty_value() -> None:
    assert value_type({}) == ""


_names = st.text(min_size=1, max_size=6)
_numbers = st.decimals(allow_nan=False, allow_infinity=False, places=3,
                       min_value=-10**20, max_value=10**20).map(str)
_blobs = st.binary(max_size=9).map(lambda raw: base64.b64encode(raw).decode())
_scalars = st.one_of(
    st.text(max_size=8).map(lambda s: {"S": s}), _numbers.map(lambda n: {"N": n}),
    _blobs.map(lambda b: {"B": b}), st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.sets(st.text(max_size=5), min_size=1, max_size=4).map(lambda s: {"SS": sorted(s)}),
    st.sets(st.integers(-999, 999), min_size=1, max_size=4).map(
        lambda s: {"NS": [str(n) for n in s]}),
    st.sets(st.binary(max_size=4), min_size=1, max_size=3).map(
        lambda s: {"BS": [base64.b64encode(b).decode() for b in s]}))
_values = st.recursive(_scalars, lambda children: st.one_of(
    st.lists(children, max_size=4).map(lambda items: {"L": items}),
    st.dictionaries(_names, children, max_size=4).map(lambda m: {"M": m})), max_leaves=12)


@given(st.dictionaries(_names, _values, max_size=6))
def test_checked_item_sizes_as_item_size_does(item: dict[str, Any]) -> None:
    """The write path checks and sizes an item in one pass: the same normalised item as
    check_item, the same size as item_size.py on it."""
    checked, size = checked_item(item)
    assert checked == check_item(item)
    assert size == item_size(checked)


def _outcome(check: Any, value: object) -> object:
    try:
        return check(value)
    except (SerializationException, ValidationException) as error:
        return (type(error), error.message)


@given(st.one_of(
    st.lists(st.text(max_size=5), max_size=4),
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans()),
             max_size=4),
    st.text(max_size=3), st.dictionaries(st.text(max_size=2), st.text(max_size=2)),
))
def test_string_sets_take_the_quick_check_only_when_its_answer_is_the_full_ones(
        value: object) -> None:
    """A list of distinct strings passes the quick check with the full check's size; any
    other value (empty, duplicates, a non-string member, not a list) gets its answer."""
    assert _outcome(lambda v: checked_value({"SS": v}), value) == _outcome(
        lambda v: ({"SS": _check_ss_members(v)[0]}, _check_ss_members(v)[1]), value)
