"""The expression members of a request (ConditionExpression, UpdateExpression,
ProjectionExpression, FilterExpression, KeyConditionExpression) and their legacy counterparts
(Expected, AttributeUpdates, AttributesToGet, QueryFilter/ScanFilter, KeyConditions), checked
together as DynamoDB checks them and compiled once per request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from headwater.dynamodb import expressions
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.values import check_value

# In the order AWS lists them in "Can not use both expression and non-expression parameters"
# (dynalite test/updateItem.js: {AttributeUpdates, Expected} / {UpdateExpression,
# ConditionExpression}; test/query.js: {AttributesToGet, QueryFilter, ConditionalOperator,
# KeyConditions} / {ProjectionExpression, FilterExpression, KeyConditionExpression}).
EXPRESSION_MEMBERS = ("UpdateExpression", "ProjectionExpression", "FilterExpression",
                      "KeyConditionExpression", "ConditionExpression")
LEGACY_MEMBERS = ("AttributeUpdates", "AttributesToGet", "Expected", "QueryFilter", "ScanFilter",
                  "ConditionalOperator", "KeyConditions")
_LEGACY_CONDITIONS = frozenset(LEGACY_MEMBERS) - {"ConditionalOperator"}
_ALL_MEMBERS = frozenset(EXPRESSION_MEMBERS + LEGACY_MEMBERS
                         + ("ExpressionAttributeNames", "ExpressionAttributeValues"))
# Placeholder syntax: AWS rejects any other key before looking at the expressions.
_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


@dataclass(slots=True)
class RequestExpressions:
    condition: Any = None
    update: Any = None
    projection: Any = None
    filter: Any = None
    key_condition: Any = None


def compile_request(request: dict[str, Any],
                    value_expressions: tuple[str, ...] = ()) -> RequestExpressions:
    """Compile every expression or legacy member the request carries.

    `value_expressions` names the operation's expressions that can use values, for AWS's
    "ExpressionAttributeValues can only be specified when using expressions: ... is null".
    """
    if _ALL_MEMBERS.isdisjoint(request):
        return RequestExpressions()
    used_expressions = [m for m in EXPRESSION_MEMBERS if m in request]
    used_legacy = [m for m in LEGACY_MEMBERS if m in request]
    # KeyConditions conflicts only with KeyConditionExpression: Query takes it beside a
    # FilterExpression or ProjectionExpression (recorded against AWS by the ExtendDB suite,
    # tests/test_conditional_operator.py; dynalite's validateExpressionParams).
    key_conditions_apart = ("KeyConditions" in used_legacy
                            and "KeyConditionExpression" not in request)
    if key_conditions_apart:
        used_legacy.remove("KeyConditions")
    if used_expressions and used_legacy:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(used_legacy)}}} "
            f"Expression parameters: {{{', '.join(used_expressions)}}}"
        )
    check_conditional_operator(request)
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    _check_maps(names, values, bool(used_expressions), value_expressions)
    _check_attributes_to_get(request.get("AttributesToGet"))
    if values:
        values = _checked_values(values)
    result = RequestExpressions()
    if used_legacy or not used_expressions:
        _compile_legacy(request, result)
        return result
    if key_conditions_apart:
        from headwater.dynamodb.expressions import legacy

        result.key_condition = legacy.key_conditions_to_key_condition(
            _normalised_legacy(request["KeyConditions"]))
    if "ConditionExpression" in request:
        result.condition = expressions.compile_condition(
            request["ConditionExpression"], names, values, "ConditionExpression")
    if "FilterExpression" in request:
        result.filter = expressions.compile_condition(
            request["FilterExpression"], names, values, "FilterExpression")
    if "UpdateExpression" in request:
        result.update = expressions.compile_update(request["UpdateExpression"], names, values)
    if "ProjectionExpression" in request:
        result.projection = expressions.compile_projection(request["ProjectionExpression"], names)
    if "KeyConditionExpression" in request:
        result.key_condition = expressions.compile_key_condition(
            request["KeyConditionExpression"], names, values)
    expressions.check_unused(names, values, result.condition, result.filter, result.update,
                             result.projection, result.key_condition)
    return result


def check_conditional_operator(request: dict[str, Any]) -> None:
    """ConditionalOperator needs an Expected, QueryFilter or ScanFilter of two or more
    conditions (messages recorded against AWS by the ExtendDB suite,
    tests/test_conditional_operator.py); AWS checks it after the expression/legacy mixing
    error but before Query's missing key condition."""
    if request.get("ConditionalOperator") is None:
        return
    conditions = next((request[m] for m in ("Expected", "QueryFilter", "ScanFilter")
                       if isinstance(request.get(m), dict) and request[m]), None)
    if conditions is None:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if len(conditions) < 2:
        raise ValidationException(
            "ConditionalOperator can only be used when Filter or Expected has two or more "
            "elements")


def _check_maps(names: Any, values: Any, has_expressions: bool,
                value_expressions: tuple[str, ...]) -> None:
    if names is not None and not has_expressions:
        raise ValidationException(
            "ExpressionAttributeNames can only be specified when using expressions")
    if values is not None and not has_expressions:
        suffix = ""
        if value_expressions:
            verb = "is" if len(value_expressions) == 1 else "are"
            suffix = f": {' and '.join(value_expressions)} {verb} null"
        raise ValidationException(
            f"ExpressionAttributeValues can only be specified when using expressions{suffix}")
    # AWS's order: names empty, name keys, values empty, value keys (dynalite test/updateItem.js).
    if names is not None and not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    _check_keys("ExpressionAttributeNames", names, _NAME_KEY)
    for key, name in (names or {}).items():
        if name == "":
            # AWS's answer as applications quote it (an error string matched in app code).
            raise ValidationException(
                f"ExpressionAttributeNames contains invalid value: Empty attribute name for key "
                f"{key}")
    if values is not None and not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    _check_keys("ExpressionAttributeValues", values, _VALUE_KEY)


def _check_keys(member: str, mapping: Any, pattern: re.Pattern[str]) -> None:
    for key in mapping or {}:
        if not pattern.fullmatch(key):
            raise ValidationException(f'{member} contains invalid key: Syntax error; key: "{key}"')


def _check_attributes_to_get(names: list[str] | None) -> None:
    seen: set[str] = set()
    for name in names or []:
        if name in seen:
            raise ValidationException(
                f"One or more parameter values were invalid: Duplicate value in attribute name: "
                f"{name}")
        seen.add(name)


def _checked_values(values: dict[str, Any]) -> dict[str, Any]:
    checked = {}
    for name, value in values.items():
        try:
            checked[name] = check_value(value)
        except ValidationException as error:
            raise ValidationException(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {name}"
            ) from None
    return checked


def _compile_legacy(request: dict[str, Any], result: RequestExpressions) -> None:
    from headwater.dynamodb.expressions import legacy

    request = {name: _normalised_legacy(value) if name in _LEGACY_CONDITIONS else value
               for name, value in request.items()}
    operator = request.get("ConditionalOperator")
    if "Expected" in request:
        result.condition = legacy.expected_to_condition(request["Expected"], operator)
    elif "QueryFilter" in request or "ScanFilter" in request:
        conditions = request.get("QueryFilter") or request.get("ScanFilter") or {}
        kind = "QueryFilter" if "QueryFilter" in request else "ScanFilter"
        result.filter = legacy.conditions_to_condition(conditions, operator, kind)
    if "AttributeUpdates" in request:
        result.update = legacy.attribute_updates_to_update(request["AttributeUpdates"])
    if "AttributesToGet" in request:
        result.projection = legacy.attributes_to_get_projection(request["AttributesToGet"])
    if "KeyConditions" in request:
        result.key_condition = legacy.key_conditions_to_key_condition(request["KeyConditions"])


def _normalised_legacy(member: Any) -> Any:
    """A legacy member with every attribute value checked and its numbers canonical."""
    if not isinstance(member, dict):
        return member
    normalised = {}
    for name, spec in member.items():
        spec = dict(spec)
        if spec.get("Value") is not None:
            spec["Value"] = check_value(spec["Value"])
        if spec.get("AttributeValueList") is not None:
            spec["AttributeValueList"] = [check_value(v) for v in spec["AttributeValueList"]]
        normalised[name] = spec
    return normalised
