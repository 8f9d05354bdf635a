"""Legacy parameters run through the same evaluators as expressions."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions.legacy import (
    attribute_updates_to_update,
    attributes_to_get_projection,
    conditions_to_condition,
    expected_to_condition,
    key_conditions_to_key_condition,
)
from headwater.wire.errors import ValidationException

ITEM = {"n": {"N": "5"}, "s": {"S": "hello"}, "ss": {"SS": ["a"]}, "l": {"L": [{"N": "1"}]}}
N1, N5, N9 = {"N": "1"}, {"N": "5"}, {"N": "9"}


@pytest.mark.parametrize(
    ("operator", "arguments", "expected"),
    [
        ("EQ", [N5], True),
        ("NE", [N5], False),
        ("LE", [N5], True),
        ("LT", [N5], False),
        ("GE", [N1], True),
        ("GT", [N9], False),
        ("IN", [N1, N5], True),
        ("BETWEEN", [N1, N9], True),
        ("NOT_NULL", [], True),
        ("NULL", [], False),
    ],
)
def test_comparison_operators_on_numbers(operator, arguments, expected) -> None:
    spec = {"n": {"ComparisonOperator": operator, "AttributeValueList": arguments}}
    assert conditions_to_condition(spec, None, "ScanFilter").evaluate(ITEM) is expected


@pytest.mark.parametrize(
    ("name", "operator", "argument", "expected"),
    [
        ("s", "CONTAINS", {"S": "ell"}, True),
        ("ss", "CONTAINS", {"S": "a"}, True),
        ("ss", "NOT_CONTAINS", {"S": "a"}, False),
        ("s", "NOT_CONTAINS", {"S": "zz"}, True),
        ("s", "BEGINS_WITH", {"S": "he"}, True),
        ("s", "BEGINS_WITH", {"S": "el"}, False),
    ],
)
def test_string_operators(name, operator, argument, expected) -> None:
    spec = {name: {"ComparisonOperator": operator, "AttributeValueList": [argument]}}
    assert conditions_to_condition(spec, "AND").evaluate(ITEM) is expected


def test_expected_value_exists_and_operators() -> None:
    assert expected_to_condition({"n": {"Value": N5}}, None).evaluate(ITEM)
    assert expected_to_condition({"n": {"Value": N5, "Exists": True}}, None).evaluate(ITEM)
    assert expected_to_condition({"x": {"Exists": False}}, None).evaluate(ITEM)
    assert not expected_to_condition({"n": {"Exists": False}}, None).evaluate(ITEM)
    assert expected_to_condition({"n": {"ComparisonOperator": "GT", "Value": N1}}, None).evaluate(
        ITEM
    )
    both = {"n": {"Value": N1}, "s": {"Value": {"S": "hello"}}}
    assert not expected_to_condition(both, "AND").evaluate(ITEM)
    assert expected_to_condition(both, "OR").evaluate(ITEM)
    assert expected_to_condition({}, None).evaluate(None)


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"n": {}}, "Value must be provided when Exists is null for Attribute: n"),
        ({"n": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: n"),
        (
            {"n": {"Exists": False, "Value": N1}},
            "Value cannot be used when Exists is false for Attribute: n",
        ),
        (
            {"n": {"Value": N1, "AttributeValueList": [N1]}},
            "Value and AttributeValueList cannot be used together for Attribute: n",
        ),
        (
            {"n": {"ComparisonOperator": "EQ", "Exists": True}},
            "Exists and ComparisonOperator cannot be used together for Attribute: n",
        ),
        (
            {"n": {"ComparisonOperator": "EQ"}},
            "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: n",
        ),
        (
            {"n": {"AttributeValueList": [N1]}},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: n",
        ),
        (
            {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N1]}},
            "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        (
            {"n": {"ComparisonOperator": "IN", "AttributeValueList": [N1, {"S": "a"}]}},
            "AttributeValues inside AttributeValueList must be of same type",
        ),
    ],
)
def test_expected_errors(expected, message) -> None:
    with pytest.raises(ValidationException) as raised:
        expected_to_condition(expected, None)
    assert raised.value.message == f"One or more parameter values were invalid: {message}"


def test_filter_type_and_between_errors() -> None:
    with pytest.raises(ValidationException, match="ComparisonOperator LT is not valid for SS"):
        conditions_to_condition(
            {"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["a"]}]}}, None
        )
    with pytest.raises(ValidationException, match="lower bound is greater than the upper bound"):
        conditions_to_condition(
            {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N9, N1]}}, None
        )


def test_key_conditions() -> None:
    key = key_conditions_to_key_condition(
        {
            "r": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "x"}]},
            "h": {"ComparisonOperator": "EQ", "AttributeValueList": [N1]},
        }
    )
    assert (key.hash_name, key.hash_value, key.range_name, key.range_op) == (
        "h",
        N1,
        "r",
        "BEGINS_WITH",
    )
    with pytest.raises(ValidationException, match="not an indexable operation"):
        key_conditions_to_key_condition(
            {"h": {"ComparisonOperator": "NE", "AttributeValueList": [N1]}}
        )
    three = key_conditions_to_key_condition(
        {k: {"ComparisonOperator": "EQ", "AttributeValueList": [N1]} for k in "abc"}
    )
    with pytest.raises(ValidationException, match="Conditions can be of length 1 or 2 only"):
        three.for_key_schema(["a"], ["b"])  # more than two fit only a multi-attribute GSI key
    with pytest.raises(ValidationException, match="Conditions can be of length 1 or 2 only"):
        key_conditions_to_key_condition(
            {k: {"ComparisonOperator": "EQ", "AttributeValueList": [N1]} for k in "abcdefghi"}
        )


def test_attribute_updates() -> None:
    update = attribute_updates_to_update(
        {
            "n": {"Action": "ADD", "Value": N5},
            "l": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}},
            "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
            "s": {"Action": "DELETE"},
            "p": {"Value": {"S": "put"}},
        }
    )
    new, touched = update.apply(ITEM)
    assert new == {"n": {"N": "10"}, "l": {"L": [{"N": "1"}, {"N": "2"}]}, "p": {"S": "put"}}
    assert touched == {"n", "l", "ss", "s", "p"}


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        (
            {"a": {"Action": "ADD", "Value": {"S": "x"}}},
            "ADD action is not supported for the type S",
        ),
        (
            {"a": {"Action": "DELETE", "Value": N1}},
            "DELETE action with value is not supported for the type N",
        ),
        (
            {"a": {"Action": "PUT"}},
            "Only DELETE action is allowed when no attribute value is specified",
        ),
    ],
)
def test_attribute_update_errors(updates, message) -> None:
    with pytest.raises(ValidationException) as raised:
        attribute_updates_to_update(updates)
    assert raised.value.message == f"One or more parameter values were invalid: {message}"


def test_attributes_to_get() -> None:
    assert attributes_to_get_projection(["n", "x", "s"]).apply(ITEM) == {
        "n": ITEM["n"],
        "s": ITEM["s"],
    }


@pytest.mark.parametrize(
    "spec",
    [
        {"Action": "ADD", "Value": {"NS": ["1"]}},
        {"Action": "ADD", "Value": N1},
        {"Action": "DELETE", "Value": {"NS": ["1"]}},
    ],
)
def test_attribute_update_type_mismatch(spec) -> None:
    update = attribute_updates_to_update({"ss": spec})
    with pytest.raises(ValidationException) as raised:
        update.apply(ITEM)
    assert raised.value.message == "Type mismatch for attribute to update"


def test_not_contains_fails_on_a_missing_attribute() -> None:
    spec = {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "z"}]}
    assert expected_to_condition({"s": spec}, None).evaluate(ITEM) is True
    assert expected_to_condition({"nothere": spec}, None).evaluate(ITEM) is False
    assert conditions_to_condition({"nothere": spec}, None, "ScanFilter").evaluate(ITEM) is False


@pytest.mark.parametrize("value", [{"L": [{"N": "1"}]}, {"M": {}}, {"BOOL": True}, {"NULL": True}])
def test_eq_and_ne_take_every_type(value) -> None:
    for operator in ("EQ", "NE"):
        spec = {"l": {"ComparisonOperator": operator, "AttributeValueList": [value]}}
        matched = value == ITEM["l"]
        assert expected_to_condition(spec, None).evaluate(ITEM) is (matched == (operator == "EQ"))
        assert conditions_to_condition(spec, None, "QueryFilter").evaluate(ITEM) is (
            matched == (operator == "EQ"))


def test_expected_operands_are_type_checked() -> None:
    with pytest.raises(ValidationException) as raised:
        expected_to_condition({"n": {"ComparisonOperator": "LT", "Value": {"BOOL": True}}}, None)
    assert raised.value.message == ("One or more parameter values were invalid: "
                                    "ComparisonOperator LT is not valid for BOOL AttributeValue type")
