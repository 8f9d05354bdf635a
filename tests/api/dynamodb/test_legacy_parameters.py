"""The legacy parameters real applications still send: Expected (with Exists, Value,
ComparisonOperator and ConditionalOperator), AttributeUpdates and AttributesToGet."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"pk": {"S": "k"}}
ITEM = {"pk": {"S": "k"}, "n": {"N": "5"}, "s": {"S": "hello"}, "ss": {"SS": ["a", "b"]},
        "l": {"L": [{"S": "x"}]}}
INVALID = "One or more parameter values were invalid: "


@pytest.fixture
def stored(ddb: Any, table: str) -> str:
    ddb.put_item(TableName=table, Item=ITEM)
    return table


def holds(ddb: Any, table: str, expected: dict[str, Any], operator: str | None = None) -> bool:
    kwargs: dict[str, Any] = {"ConditionalOperator": operator} if operator else {}
    try:
        ddb.put_item(TableName=table, Item=ITEM, Expected=expected, **kwargs)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def cmp(op: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"ComparisonOperator": op, "AttributeValueList": list(values)}


N = lambda v: {"N": v}  # noqa: E731
S = lambda v: {"S": v}  # noqa: E731


@pytest.mark.parametrize(("expected", "result"), [
    ({"n": {"Value": N("5")}}, True),
    ({"n": {"Value": N("6")}}, False),
    ({"n": {"Exists": True, "Value": N("5")}}, True),
    ({"nothere": {"Exists": False}}, True),
    ({"n": {"Exists": False}}, False),
    ({"n": cmp("EQ", N("5"))}, True),
    ({"n": cmp("NE", N("5"))}, False),
    ({"nothere": cmp("NE", N("5"))}, True),
    ({"n": cmp("LT", N("6"))}, True),
    ({"n": cmp("LE", N("4"))}, False),
    ({"n": cmp("GT", N("4"))}, True),
    ({"n": cmp("GE", N("5"))}, True),
    ({"n": {"ComparisonOperator": "NOT_NULL"}}, True),
    ({"nothere": {"ComparisonOperator": "NULL"}}, True),
    ({"n": {"ComparisonOperator": "NULL"}}, False),
    ({"s": cmp("CONTAINS", S("ell"))}, True),
    ({"ss": cmp("CONTAINS", S("a"))}, True),
    ({"ss": cmp("NOT_CONTAINS", S("a"))}, False),
    ({"l": cmp("CONTAINS", S("x"))}, True),
    ({"s": cmp("BEGINS_WITH", S("he"))}, True),
    ({"s": cmp("BEGINS_WITH", S("lo"))}, False),
    ({"n": cmp("IN", N("1"), N("5"))}, True),
    ({"n": cmp("IN", N("1"))}, False),
    ({"n": cmp("BETWEEN", N("5"), N("9"))}, True),
    ({"n": cmp("BETWEEN", N("6"), N("9"))}, False),
    ({"n": {"ComparisonOperator": "EQ", "Value": N("5")}}, True),
    ({"n": {"Value": N("5")}, "s": {"Value": S("hello")}}, True),
    ({"n": {"Value": N("5")}, "s": {"Value": S("nope")}}, False),
    # NOT_CONTAINS on a missing attribute fails, unlike NOT contains() in an expression.
    ({"nothere": cmp("NOT_CONTAINS", S("a"))}, False),
    ({"s": cmp("NOT_CONTAINS", S("xyz"))}, True),
    # EQ and NE take every type.
    ({"l": cmp("EQ", {"L": [S("x")]})}, True),
    ({"l": cmp("NE", {"L": [S("x")]})}, False),
    ({"l": {"Value": {"L": [S("y")]}}}, False),
    ({"nothere": cmp("EQ", {"BOOL": True})}, False),
    ({"n": cmp("NE", {"M": {"a": {"NULL": True}}})}, True),
])
def test_expected(ddb: Any, stored: str, expected: dict[str, Any], result: bool) -> None:
    assert holds(ddb, stored, expected) is result


def test_conditional_operator_or(ddb: Any, stored: str) -> None:
    expected = {"n": {"Value": N("5")}, "s": {"Value": S("nope")}}
    assert holds(ddb, stored, expected, "OR")
    assert not holds(ddb, stored, expected, "AND")


@pytest.mark.parametrize(("expected", "message"), [
    ({"a": {}}, "Value must be provided when Exists is null for Attribute: a"),
    ({"a": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: a"),
    ({"a": {"Exists": False, "Value": S("a")}},
     "Value cannot be used when Exists is false for Attribute: a"),
    ({"a": {"ComparisonOperator": "LT"}},
     "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
    ({"a": {"Exists": True, "ComparisonOperator": "LT"}},
     "Exists and ComparisonOperator cannot be used together for Attribute: a"),
    ({"a": {"AttributeValueList": [S("a")], "Value": S("a"), "ComparisonOperator": "LT"}},
     "Value and AttributeValueList cannot be used together for Attribute: a"),
    ({"a": {"AttributeValueList": [S("a")]}},
     "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
    ({"a": cmp("EQ")}, "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"a": cmp("NULL", S("a"))}, "Invalid number of argument(s) for the NULL ComparisonOperator"),
    ({"a": cmp("IN")}, "Invalid number of argument(s) for the IN ComparisonOperator"),
    ({"a": cmp("BETWEEN", N("1"), N("10"), N("12"))},
     "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ({"a": {"Value": S("a"), "ComparisonOperator": "BETWEEN"}},
     "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
])
def test_expected_errors(ddb: Any, stored: str, invalid: Any, expected: dict[str, Any],
                         message: str) -> None:
    invalid(ddb.put_item, INVALID + message, TableName=stored, Item=ITEM, Expected=expected)


# The ConditionalOperator messages were recorded against AWS by the ExtendDB suite
# (tests/test_conditional_operator.py).
@pytest.mark.parametrize("extra", [{}, {"Expected": {}}])
def test_conditional_operator_needs_expected(ddb: Any, stored: str, invalid: Any,
                                             extra: dict[str, Any]) -> None:
    invalid(ddb.put_item, "ConditionalOperator cannot be used without Filter or Expected",
            TableName=stored, Item=ITEM, ConditionalOperator="OR", **extra)
    invalid(ddb.delete_item, "ConditionalOperator cannot be used without Filter or Expected",
            TableName=stored, Key=KEY, ConditionalOperator="AND", **extra)


def test_conditional_operator_needs_two_expected_conditions(ddb: Any, stored: str,
                                                            invalid: Any) -> None:
    invalid(ddb.update_item, "ConditionalOperator can only be used when Filter or Expected has "
            "two or more elements", TableName=stored, Key=KEY, ConditionalOperator="AND",
            Expected={"n": {"Value": N("5")}}, AttributeUpdates={"v": {"Value": S("x")}})
    assert "v" not in ddb.get_item(TableName=stored, Key=KEY)["Item"]


def test_conditional_operator_with_a_condition_expression_is_mixing(ddb: Any, stored: str,
                                                                    invalid: Any) -> None:
    invalid(ddb.put_item, "Can not use both expression and non-expression parameters in the same "
            "request: Non-expression parameters: {Expected, ConditionalOperator} Expression "
            "parameters: {ConditionExpression}", TableName=stored, Item=ITEM,
            Expected={"n": {"Value": N("5")}}, ConditionalOperator="AND",
            ConditionExpression="attribute_exists(pk)")


@pytest.mark.parametrize(("condition", "kind"), [
    (cmp("LT", {"BOOL": True}), "BOOL"),
    (cmp("GE", {"L": [S("x")]}), "L"),
    (cmp("BETWEEN", {"SS": ["a"]}, {"SS": ["b"]}), "SS"),
    (cmp("CONTAINS", {"M": {}}), "M"),
    (cmp("NOT_CONTAINS", {"NULL": True}), "NULL"),
    (cmp("BEGINS_WITH", N("1")), "N"),
    (cmp("IN", {"NS": ["1"]}), "NS"),
    ({"ComparisonOperator": "GT", "Value": {"BOOL": False}}, "BOOL"),
])
def test_expected_operand_types_per_operator(ddb: Any, stored: str, invalid: Any,
                                             condition: dict[str, Any], kind: str) -> None:
    # A ValidationException before anything is read, not a failed condition.
    operator = condition["ComparisonOperator"]
    invalid(ddb.put_item, INVALID + f"ComparisonOperator {operator} is not valid for {kind} "
            "AttributeValue type", TableName=stored, Item={**KEY, "new": S("x")},
            Expected={"n": condition})
    assert "new" not in ddb.get_item(TableName=stored, Key=KEY)["Item"]


def test_attribute_updates_put_add_delete(ddb: Any, stored: str) -> None:
    response = ddb.update_item(TableName=stored, Key=KEY, ReturnValues="UPDATED_NEW",
                               AttributeUpdates={
                                   "v": {"Value": S("new")},
                                   "n": {"Action": "ADD", "Value": N("2")},
                                   "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
                                   "s": {"Action": "DELETE"},
                                   "l": {"Action": "ADD", "Value": {"L": [S("y")]}},
                               })
    assert response["Attributes"] == {"v": S("new"), "n": N("7"), "ss": {"SS": ["b"]},
                                      "l": {"L": [S("x"), S("y")]}}
    item = ddb.get_item(TableName=stored, Key=KEY)["Item"]
    assert "s" not in item


def test_attribute_updates_add_to_missing(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY, AttributeUpdates={
        "n": {"Action": "ADD", "Value": N("3")},
        "ss": {"Action": "ADD", "Value": {"SS": ["a"]}},
        "gone": {"Action": "DELETE", "Value": {"SS": ["a"]}},
    })
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == {**KEY, "n": N("3"),
                                                              "ss": {"SS": ["a"]}}


def test_attribute_updates_type_mismatch(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, "Type mismatch for attribute to update", TableName=stored, Key=KEY,
            AttributeUpdates={"ss": {"Action": "ADD", "Value": {"NS": ["1"]}}})


def test_attribute_updates_cannot_touch_key(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, INVALID + "Cannot update attribute pk. This attribute is part of "
            "the key", TableName=stored, Key=KEY, AttributeUpdates={"pk": {"Value": S("b")}})


def test_expected_guards_update_and_delete(ddb: Any, stored: str, expect_error: Any) -> None:
    expect_error(ddb.update_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=stored, Key=KEY,
                 AttributeUpdates={"v": {"Value": S("x")}}, Expected={"n": {"Value": N("1")}})
    expect_error(ddb.delete_item, "ConditionalCheckFailedException",
                 "The conditional request failed", TableName=stored, Key=KEY,
                 Expected={"n": {"Exists": False}})
    ddb.delete_item(TableName=stored, Key=KEY, Expected={"n": {"Value": N("5")}})
    assert "Item" not in ddb.get_item(TableName=stored, Key=KEY)


def test_attribute_updates_with_update_expression(ddb: Any, stored: str, invalid: Any) -> None:
    invalid(ddb.update_item, "Can not use both expression and non-expression parameters in the "
            "same request: Non-expression parameters: {AttributeUpdates} Expression parameters: "
            "{UpdateExpression}", TableName=stored, Key=KEY, UpdateExpression="REMOVE s",
            AttributeUpdates={"v": {"Value": S("x")}})
