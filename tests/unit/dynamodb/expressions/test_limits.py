"""Expression size limits: deep nesting is an AWS error, never a RecursionError."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import compile_condition
from headwater.wire.errors import ValidationException

VALUES = {":v": {"S": "x"}}


def test_three_hundred_operators_are_accepted() -> None:
    condition = compile_condition("NOT " * 150 + "a = :v", None, VALUES)
    assert condition.evaluate({"a": {"S": "x"}}) is True


def test_more_than_three_hundred_operators_are_rejected() -> None:
    with pytest.raises(ValidationException) as raised:
        compile_condition("NOT " * 500 + "a = :v", None, VALUES)
    assert raised.value.message == (
        "Invalid ConditionExpression: The expression contains too many operators; "
        "operator count: 501, maximum allowed: 300"
    )
