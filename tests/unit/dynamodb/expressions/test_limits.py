"""Expression limits: 4 KB of text before 300 operators, counted as DynamoDB counts them; deep
nesting is an AWS error, never a RecursionError."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import compile_condition, compile_update
from headwater.dynamodb.expressions.limits import operator_error, size_error
from headwater.wire.errors import ValidationException

VALUES = {":v": {"S": "x"}}


def _message(expression: str, kind: str = "ConditionExpression") -> str:
    with pytest.raises(ValidationException) as raised:
        if kind == "UpdateExpression":
            compile_update(expression, None, VALUES)
        else:
            compile_condition(expression, None, VALUES, kind)
    return raised.value.message


def test_three_hundred_operators_are_accepted() -> None:
    condition = compile_condition("NOT " * 150 + "a = :v", None, VALUES)
    assert condition.evaluate({"a": {"S": "x"}}) is True


def test_more_than_three_hundred_operators_are_rejected_at_301() -> None:
    assert _message("NOT " * 500 + "a = :v") == (
        "Invalid ConditionExpression: The expression contains too many operators; "
        "operator count: 301"
    )


@pytest.mark.parametrize(("text", "count"), [
    ("a = :v", 1),
    ("((a = :v))", 1),  # parentheses are not operators
    ("a BETWEEN :v AND :w", 2),  # BETWEEN and its AND
    ("a IN (:v, :w, :x)", 1),
    ("attribute_exists(a) AND size(b) > :v", 4),
    ("NOT contains(a, :v) OR a <> :v", 4),
    ("SET a = b + :v, c = if_not_exists(c, :v) - :w", 5),
    ("#and = :or", 1),  # placeholders are not keywords
    ("band = :v AND notion <= :w", 3),  # nor are names that contain them
])
def test_operators_are_counted_as_dynamodb_counts_them(text: str, count: int) -> None:
    # Each " NOT" adds exactly one operator: the text is at the limit, then one over it.
    assert operator_error(text + " NOT" * (300 - count)) is None
    assert operator_error(text + " NOT" * (301 - count)) == (
        "The expression contains too many operators; operator count: 301")


def test_a_deep_but_short_expression_is_counted_not_recursed() -> None:
    # 454 levels of "a<b or (...)" fit in 4 KB; DynamoDB refuses them for the count.
    condition = "a<b " + "or (a<b " * 454 + ")" * 454
    assert len(condition) < 4096
    assert _message(condition).endswith("operator count: 301")


def test_size_comes_before_syntax_and_count() -> None:
    assert _message("(" * 15000) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 15000"
    )


def test_size_is_counted_in_utf8_bytes_and_4096_is_allowed() -> None:
    assert size_error("FilterExpression", "a" * 4096) is None
    assert size_error("FilterExpression", "é" * 2049) == (
        "Expression size has exceeded the maximum allowed size; expression size: 4098")


@pytest.mark.parametrize("kind", ["UpdateExpression", "ProjectionExpression",
                                  "KeyConditionExpression"])
def test_only_conditions_and_filters_show_the_size(kind: str) -> None:
    assert size_error(kind, "a" * 4097) == "Expression size has exceeded the maximum allowed size;"


def test_deep_redundant_parentheses_are_an_aws_error() -> None:
    text = "(" * 2040 + "a < :v" + ")" * 2040
    assert len(text) < 4096
    assert _message(text) == "Invalid ConditionExpression: The expression has redundant parentheses;"
