"""Legacy parameters (Expected, QueryFilter/ScanFilter, KeyConditions, AttributeUpdates,
AttributesToGet) translated into the same trees the expression evaluators run.

Messages follow AWS's "One or more parameter values were invalid: ..." wording for each
legacy parameter (API reference "Legacy conditional parameters").
"""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.expressions import ast, values
from headwater.dynamodb.expressions.conditions import Condition
from headwater.dynamodb.expressions.key_conditions import MAX_TERMS, KeyCondition, KeyTerm
from headwater.dynamodb.expressions.projection import Projection
from headwater.dynamodb.expressions.updates import Update
from headwater.wire.errors import ValidationException

INVALID = "One or more parameter values were invalid: "
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ARGUMENT_COUNTS = {"NULL": 0, "NOT_NULL": 0, "BETWEEN": 2}  # IN: one or more; others: one
# The operand types each ComparisonOperator takes (API reference, Condition): EQ and NE any
# type, lists, maps and booleans included; BEGINS_WITH strings and binaries; the others
# scalar S, N or B. Another type is a ValidationException, not a failed condition.
_OPERAND_TYPES = {
    "EQ": values.ALL_TYPES,
    "NE": values.ALL_TYPES,
    "BEGINS_WITH": ("S", "B"),
}
_KEY_OPERATORS = ("EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN")


def _path(name: str) -> ast.Path:
    return ast.Path((name,))


def _term(name: str, operator: str, arguments: list[ast.AttributeValue]) -> ast.ConditionNode:
    path = _path(name)
    literals = tuple(ast.Literal(v) for v in arguments)
    if operator in _COMPARATORS:
        return ast.Compare(_COMPARATORS[operator], path, literals[0])
    if operator == "NOT_NULL":
        return ast.FunctionCondition(ast.Call("attribute_exists", (path,)))
    if operator == "NULL":
        return ast.FunctionCondition(ast.Call("attribute_not_exists", (path,)))
    if operator == "CONTAINS":
        return ast.FunctionCondition(ast.Call("contains", (path, literals[0])))
    if operator == "NOT_CONTAINS":
        # Unlike NOT contains(...) in an expression, a missing attribute fails NOT_CONTAINS.
        return ast.And(
            ast.FunctionCondition(ast.Call("attribute_exists", (path,))),
            ast.Not(ast.FunctionCondition(ast.Call("contains", (path, literals[0])))),
        )
    if operator == "BEGINS_WITH":
        return ast.FunctionCondition(ast.Call("begins_with", (path, literals[0])))
    if operator == "IN":
        return ast.In(path, literals)
    if operator == "BETWEEN":
        return ast.Between(path, literals[0], literals[1])
    raise ValidationException(f"{INVALID}Unsupported ComparisonOperator: {operator}")


def _combine(terms: list[ast.ConditionNode], operator: str | None) -> ast.ConditionNode | None:
    if not terms:
        return None
    node = terms[0]
    for term in terms[1:]:
        node = ast.Or(node, term) if operator == "OR" else ast.And(node, term)
    return node


def _check_arguments(operator: str, arguments: list[ast.AttributeValue]) -> None:
    count = len(arguments)
    expected = _ARGUMENT_COUNTS.get(operator, 1)
    if (operator == "IN" and count < 1) or (operator != "IN" and count != expected):
        raise ValidationException(
            f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
        )
    kinds = [values.av_type(v) for v in arguments]
    if kinds and any(k != kinds[0] for k in kinds):
        raise ValidationException(
            f"{INVALID}AttributeValues inside AttributeValueList must be of same type"
        )
    if operator not in ("NULL", "NOT_NULL"):
        allowed = _OPERAND_TYPES.get(operator, ("S", "N", "B"))
        for kind in kinds:
            if kind not in allowed:
                raise ValidationException(
                    f"{INVALID}ComparisonOperator {operator} is not valid for {kind} "
                    "AttributeValue type"
                )
    if operator == "BETWEEN" and values.compare(">", arguments[0], arguments[1]):
        raise ValidationException(
            "The BETWEEN condition was provided a range where the lower bound is greater than "
            "the upper bound"
        )


def expected_to_condition(
    expected: dict[str, dict[str, Any]], conditional_operator: str | None
) -> Condition:
    """Expected (PutItem, UpdateItem, DeleteItem) as a Condition."""
    terms: list[ast.ConditionNode] = []
    for name, spec in expected.items():
        if "AttributeValueList" in spec and "Value" in spec:
            raise ValidationException(
                f"{INVALID}Value and AttributeValueList cannot be used together for "
                f"Attribute: {name}"
            )
        operator = spec.get("ComparisonOperator")
        if operator is not None:
            if "Exists" in spec:
                raise ValidationException(
                    f"{INVALID}Exists and ComparisonOperator cannot be used together for "
                    f"Attribute: {name}"
                )
            if (
                operator not in ("NULL", "NOT_NULL")
                and "AttributeValueList" not in spec
                and "Value" not in spec
            ):
                raise ValidationException(
                    f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: "
                    f"{operator} for Attribute: {name}"
                )
            arguments = spec.get("AttributeValueList")
            if arguments is None:
                arguments = [spec["Value"]] if spec.get("Value") is not None else []
            _check_arguments(operator, arguments)
            terms.append(_term(name, operator, arguments))
        elif "AttributeValueList" in spec:
            raise ValidationException(
                f"{INVALID}AttributeValueList can only be used with a ComparisonOperator for "
                f"Attribute: {name}"
            )
        else:
            exists = spec.get("Exists")
            value = spec.get("Value")
            if exists is False:
                if value is not None:
                    raise ValidationException(
                        f"{INVALID}Value cannot be used when Exists is false for Attribute: {name}"
                    )
                terms.append(_term(name, "NULL", []))
            else:
                if value is None:
                    shown = "null" if exists is None else "true"
                    raise ValidationException(
                        f"{INVALID}Value must be provided when Exists is {shown} for Attribute: "
                        f"{name}"
                    )
                terms.append(_term(name, "EQ", [value]))
    return Condition(_combine(terms, conditional_operator), "Expected")


def conditions_to_condition(
    conditions: dict[str, dict[str, Any]], operator: str | None, kind: str = "QueryFilter"
) -> Condition:
    """QueryFilter or ScanFilter (with ConditionalOperator) as a Condition."""
    terms: list[ast.ConditionNode] = []
    for name, spec in conditions.items():
        comparison = spec["ComparisonOperator"]
        arguments = list(spec.get("AttributeValueList") or [])
        _check_arguments(comparison, arguments)
        terms.append(_term(name, comparison, arguments))
    return Condition(_combine(terms, operator), kind)


def key_conditions_to_key_condition(key_conditions: dict[str, dict[str, Any]]) -> KeyCondition:
    """Query's KeyConditions as a KeyCondition."""
    terms: list[KeyTerm] = []
    for name, spec in key_conditions.items():
        comparison = spec["ComparisonOperator"]
        arguments = list(spec.get("AttributeValueList") or [])
        _check_arguments(comparison, arguments)
        terms.append(KeyTerm(name, comparison, tuple(arguments)))
    # More than two conditions only fit a multi-attribute GSI key (checked against the schema).
    if not 1 <= len(terms) <= MAX_TERMS:
        raise ValidationException("Conditions can be of length 1 or 2 only")
    if any(t.op not in _KEY_OPERATORS for t in terms):
        raise ValidationException("Attempted conditional constraint is not an indexable operation")
    return KeyCondition(tuple(terms))


def attribute_updates_to_update(attribute_updates: dict[str, dict[str, Any]]) -> Update:
    """UpdateItem's AttributeUpdates (PUT, ADD, DELETE) as an Update."""
    actions: list[ast.UpdateAction] = []
    for name, spec in attribute_updates.items():
        action = spec.get("Action") or "PUT"
        value = spec.get("Value")
        path = _path(name)
        if value is None:
            if action != "DELETE":
                raise ValidationException(
                    f"{INVALID}Only DELETE action is allowed when no attribute value is specified"
                )
            actions.append(ast.RemoveAction(path))
            continue
        kind = values.av_type(value)
        if action == "PUT":
            actions.append(ast.SetAction(path, ast.Literal(value)))
        elif action == "ADD":
            if kind not in ("N", "L", "SS", "NS", "BS"):
                raise ValidationException(
                    f"{INVALID}ADD action is not supported for the type {kind}"
                )
            actions.append(ast.AddAction(path, ast.Literal(value), legacy=True))
        else:
            if kind not in values.SET_TYPES:
                raise ValidationException(
                    f"{INVALID}DELETE action with value is not supported for the type {kind}"
                )
            actions.append(ast.DeleteAction(path, ast.Literal(value), legacy=True))
    sections = tuple(dict.fromkeys(type(a).__name__ for a in actions))
    return Update(ast.UpdateNode(tuple(actions), sections))


def attributes_to_get_projection(names: list[str]) -> Projection:
    """AttributesToGet as a Projection (duplicates are AWS's error to report upstream)."""
    return Projection(ast.ProjectionNode(tuple(_path(n) for n in dict.fromkeys(names))))
