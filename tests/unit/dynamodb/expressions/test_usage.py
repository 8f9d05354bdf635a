"""Unused ExpressionAttributeNames/Values across the expressions of one request."""

from __future__ import annotations

import pytest

from headwater.dynamodb.expressions import (
    check_unused,
    compile_condition,
    compile_projection,
    compile_update,
)
from headwater.wire.errors import ValidationException


def test_usage_is_shared_between_expressions() -> None:
    names = {"#a": "a", "#b": "b"}
    values = {":v": {"N": "1"}, ":w": {"N": "2"}}
    condition = compile_condition("#a = :v", names, values)
    update = compile_update("SET #b = :w", names, values)
    projection = compile_projection("#a", names)
    check_unused(names, values, condition, update, projection)
    with pytest.raises(ValidationException) as raised:
        check_unused(names, values, condition)
    assert raised.value.message == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
    )
    with pytest.raises(ValidationException) as raised:
        check_unused({"#a": "a"}, {**values, ":x": {"S": "x"}}, condition, update)
    assert raised.value.message == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"
    )


def test_nothing_to_check() -> None:
    check_unused(None, None)
    check_unused({}, {}, None)
