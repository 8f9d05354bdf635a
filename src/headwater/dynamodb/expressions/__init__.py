"""DynamoDB expressions: parse once per expression text, bind per request, evaluate.

`compile_*` parse (cached), bind ExpressionAttributeNames/Values and run AWS's checks;
`check_unused` reports names or values that no expression of the request used.
"""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.expressions.conditions import Condition, compile_condition
from headwater.dynamodb.expressions.key_conditions import KeyCondition, compile_key_condition
from headwater.dynamodb.expressions.projection import Projection, compile_projection
from headwater.dynamodb.expressions.updates import Update, compile_update
from headwater.wire.errors import ValidationException

__all__ = [
    "Condition",
    "KeyCondition",
    "Projection",
    "Update",
    "check_unused",
    "compile_condition",
    "compile_key_condition",
    "compile_projection",
    "compile_update",
]


def check_unused(
    names: dict[str, str] | None, values: dict[str, Any] | None, *compiled: Any
) -> None:
    """Raise AWS's error for ExpressionAttributeNames/Values that no expression used."""
    used_names: set[str] = set()
    used_values: set[str] = set()
    for expression in compiled:
        if expression is None:
            continue
        used_names |= getattr(expression, "used_names", frozenset())
        used_values |= getattr(expression, "used_values", frozenset())
    unused = [name for name in names or {} if name not in used_names]
    if unused:
        raise ValidationException(
            "Value provided in ExpressionAttributeNames unused in expressions: "
            f"keys: {{{', '.join(unused)}}}"
        )
    unused = [name for name in values or {} if name not in used_values]
    if unused:
        raise ValidationException(
            "Value provided in ExpressionAttributeValues unused in expressions: "
            f"keys: {{{', '.join(unused)}}}"
        )
