"""Key condition expressions: shape, operators and AWS's messages."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import compile_key_condition
from headwater.wire.errors import ValidationException

VALUES = {":h": {"S": "h"}, ":r": {"N": "1"}, ":r2": {"N": "5"}, ":p": {"S": "x"}}


def key(expression: str, names: dict | None = None):
    return compile_key_condition(
        expression, names, {k: v for k, v in VALUES.items() if k in expression}
    )


@pytest.mark.parametrize(
    ("expression", "range_name", "op", "values"),
    [
        ("h = :h", None, None, []),
        ("h = :h AND r = :r", "r", "EQ", [VALUES[":r"]]),
        ("h = :h and r < :r", "r", "LT", [VALUES[":r"]]),
        ("r <= :r and h = :h", "r", "LE", [VALUES[":r"]]),
        ("h = :h AND :r < r", "r", "GT", [VALUES[":r"]]),  # value first flips the operator
        ("h = :h AND r >= :r", "r", "GE", [VALUES[":r"]]),
        ("h = :h AND r BETWEEN :r AND :r2", "r", "BETWEEN", [VALUES[":r"], VALUES[":r2"]]),
        ("(h = :h) AND begins_with(r, :p)", "r", "BEGINS_WITH", [VALUES[":p"]]),
    ],
)
def test_shapes(expression: str, range_name, op, values) -> None:
    condition = key(expression)
    assert condition.hash_name == "h" and condition.hash_value == {"S": "h"}
    assert (condition.range_name, condition.range_op, condition.range_values) == (
        range_name,
        op,
        values,
    )


def test_for_schema_and_evaluate() -> None:
    condition = key("#r = :r AND #h = :h", {"#r": "r", "#h": "h"}).for_schema("r", "h")
    assert condition.hash_name == "r" and condition.range_name == "h"
    assert condition.evaluate({"r": {"N": "1"}, "h": {"S": "h"}})
    assert not condition.evaluate({"r": {"N": "2"}, "h": {"S": "h"}})
    with pytest.raises(ValidationException, match="missed key schema element: pk"):
        key("h = :h").for_schema("pk", None)
    with pytest.raises(ValidationException, match="Query key condition not supported"):
        key("h < :h").for_schema("h", None)
    # Three conditions fit only a multi-attribute key: the schema decides.
    with pytest.raises(ValidationException, match="Conditions can be of length 1 or 2 only"):
        key("a = :h AND b = :h AND c = :h").for_key_schema(["a"], ["b"])


def test_multi_attribute_key_schema() -> None:
    condition = key("c = :p AND h = :h AND b = :h AND a < :r").for_key_schema(
        ["h", "b"], ["c", "a", "d"])
    assert [t.name for t in condition.hash_terms] == ["h", "b"]
    assert [(t.name, t.op) for t in condition.range_terms] == [("c", "EQ"), ("a", "LT")]
    with pytest.raises(ValidationException) as raised:
        key("h = :h AND b = :h").for_key_schema(["h", "x"], [])
    assert raised.value.message == "Query condition missed key schema element: x"
    with pytest.raises(ValidationException) as raised:
        key("h = :h AND c > :r AND a = :r").for_key_schema(["h"], ["c", "a"])
    assert raised.value.message == (
        "RANGE key attributes c must have equality conditions specified in the query because a "
        "condition is present on key attribute a")
    with pytest.raises(ValidationException) as raised:
        key("h = :h AND d = :r").for_key_schema(["h"], ["c", "a", "d"])
    assert raised.value.message.startswith("RANGE key attributes c, a must have")
    with pytest.raises(ValidationException, match="Query key condition not supported"):
        key("h = :h AND z = :r").for_key_schema(["h"], ["c", "a"])


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("h = :h OR r = :r", "Invalid operator used in KeyConditionExpression: OR"),
        ("NOT h = :h", "Invalid operator used in KeyConditionExpression: NOT"),
        ("h IN (:h)", "Invalid operator used in KeyConditionExpression: IN"),
        ("h <> :h", "Invalid operator used in KeyConditionExpression: <>"),
        (
            "attribute_exists(h)",
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        ("contains(h, :p)", "Invalid operator used in KeyConditionExpression: contains"),
        ("size(h) = :r", "KeyConditionExpressions cannot contain nested operations"),
        ("h = :h AND h = :h", "KeyConditionExpressions must only contain one condition per key"),
        ("h.x = :h", "KeyConditionExpressions cannot have conditions on nested attributes"),
        (" AND ".join(f"k{n} = :h" for n in range(9)), "Conditions can be of length 1 or 2 only"),
        (":h = :h", "Invalid condition in KeyConditionExpression: No key attribute specified"),
        (
            "a = b",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used "
            "in one condition",
        ),
        (
            "begins_with(:p, a)",
            "Invalid condition in KeyConditionExpression: begins_with "
            "operator must have the key attribute as its first operand",
        ),
        ("h = ", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "= "'),
    ],
)
def test_errors(expression: str, message: str) -> None:
    with pytest.raises(ValidationException) as raised:
        key(expression)
    assert raised.value.message == message
