"""Conditional writes: evaluate a write's condition against the current item and raise
ConditionalCheckFailedException, carrying the item when ReturnValuesOnConditionCheckFailure
is ALL_OLD."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.errors import ConditionalCheckFailedException, ValidationException

FAILED = "The conditional request failed"
RETURN_VALUES = ("ALL_OLD", "NONE")


def enforce(condition: Any, current: dict[str, Any] | None, request: dict[str, Any]) -> None:
    if condition is None or condition.evaluate(current):
        return
    if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current is not None:
        raise ConditionalCheckFailedException(FAILED, Item=current)
    raise ConditionalCheckFailedException(FAILED)


def check_return_values(request: dict[str, Any], allowed: tuple[str, ...]) -> str:
    """The request's ReturnValues, rejected as AWS does when the operation does not offer it."""
    value = request.get("ReturnValues", "NONE")
    if value not in allowed:
        # AWS's wording for a valid ReturnValue the operation does not offer (PutItem/DeleteItem).
        raise ValidationException(
            f"ReturnValues can only be {' or '.join(sorted(allowed))}")
    return str(value)
