"""Condition and filter expressions: AWS's semantic checks on a bound tree, and evaluation.

AWS page: "Condition and filter expressions, operators, and functions". Comparisons between
values of different types are false, never errors; a missing attribute makes every comparison
false except `<>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headwater.dynamodb.expressions import ast, paths, values
from headwater.dynamodb.expressions.binding import bind_text
from headwater.dynamodb.expressions.parser import CONDITION_FUNCTIONS, invalid
from headwater.wire.errors import ValidationException

MAX_IN_OPERANDS = 100
_VALID_TYPES = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
# Only scalars of these types have an order; AWS rejects any other value given to an
# ordering comparator or BETWEEN ("Incorrect operand type ...; operator or function: <=,
# operand type: BOOL").
_ORDERED_TYPES = ("N", "S", "B")


@dataclass(frozen=True)
class Condition:
    """A bound condition; `evaluate(None)` tests a missing item."""

    node: ast.ConditionNode | None  # None: no condition at all (an empty Expected)
    kind: str = "ConditionExpression"
    used_names: frozenset[str] = field(default_factory=frozenset)
    used_values: frozenset[str] = field(default_factory=frozenset)

    def evaluate(self, item: ast.Item | None) -> bool:
        return self.node is None or evaluate(self.node, item)


def compile_condition(
    expression: str,
    names: dict[str, str] | None,
    values_map: dict[str, ast.AttributeValue] | None,
    kind: str = "ConditionExpression",
) -> Condition:
    node, used_names, used_values = bind_text(kind, expression, names, values_map)
    check(node, kind)
    return Condition(node, kind, used_names, used_values)


# ---- checks that need bound values


def check(node: Any, kind: str) -> None:
    errors: dict[str, str] = {}
    _check(node, errors)
    for category in ("unknown", "misused", "operand", "distinct", "function"):
        if category in errors:
            raise invalid(kind, errors[category])


def _static_type(operand: Any) -> str | None:
    if isinstance(operand, ast.Literal):
        return operand.type()
    if isinstance(operand, ast.Call) and operand.name == "size":
        return "N"
    return None


def _distinct(name: str, args: tuple[Any, ...], errors: dict[str, str]) -> None:
    if len(args) == 2 and isinstance(args[0], ast.Path) and args[0] == args[1]:
        errors.setdefault(
            "distinct",
            "The first operand must be distinct from the remaining operands for this operator "
            f"or function; operator: {name}, first operand: {args[0]}",
        )


def _operand_type_error(name: str, kind: str) -> str:
    return (
        "Incorrect operand type for operator or function; "
        f"operator or function: {name}, operand type: {kind}"
    )


def _check_call(call: ast.Call, errors: dict[str, str]) -> None:
    for arg in call.args:
        _check(arg, errors)
    expected = CONDITION_FUNCTIONS.get(call.name)
    if expected is None:
        errors.setdefault("unknown", _unknown_function(call.name))
        return
    if len(call.args) != expected:
        errors.setdefault("operand", _operand_count_error(call.name, len(call.args)))
        return
    _distinct(call.name, call.args, errors)
    args = call.args
    if call.name in ("attribute_exists", "attribute_not_exists"):
        if not isinstance(args[0], ast.Path):
            errors.setdefault(
                "function",
                f"Operator or function requires a document path; operator or function: {call.name}",
            )
    elif call.name == "begins_with":
        for arg in args:
            kind = _static_type(arg)
            if kind and kind not in ("S", "B"):
                errors.setdefault("function", _operand_type_error(call.name, kind))
                break
    elif call.name == "attribute_type":
        kind = _static_type(args[1])
        if kind != "S":
            errors.setdefault(
                "function", _operand_type_error(call.name, kind or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
            )
        elif isinstance(args[1], ast.Literal) and args[1].value["S"] not in values.ALL_TYPES:
            errors.setdefault(
                "function",
                f"Invalid attribute type name found; type: {args[1].value['S']}, "
                f"valid types: {_VALID_TYPES}",
            )
    elif call.name == "size":
        kind = _static_type(args[0])
        if kind in ("N", "BOOL", "NULL"):
            errors.setdefault("function", _operand_type_error(call.name, kind))


def _check_ordered(name: str, operands: tuple[Any, ...], errors: dict[str, str]) -> None:
    for operand in operands:
        kind = _static_type(operand)
        if kind is not None and kind not in _ORDERED_TYPES:
            errors.setdefault("function", _operand_type_error(name, kind))
            return


def _operand_count_error(name: str, count: int) -> str:
    return (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {name}, number of operands: {count}"
    )


def _unknown_function(name: str) -> str:
    return f"Invalid function name; function: {name}"


_MISUSED_SIZE = "The function is not allowed to be used this way in an expression; function: size"


def _render(value: ast.AttributeValue) -> str:
    kind = values.av_type(value)
    return f"AttributeValue: {{{kind}:{value[kind]}}}"


def _check(node: Any, errors: dict[str, str]) -> None:
    if isinstance(node, ast.Call):
        _check_call(node, errors)
    elif isinstance(node, ast.FunctionCondition):
        _check_call(node.call, errors)
        if node.call.name == "size":
            errors.setdefault("misused", _MISUSED_SIZE)
    elif isinstance(node, ast.Compare):
        _check(node.left, errors)
        _check(node.right, errors)
        _distinct(node.op, (node.left, node.right), errors)
        if node.op not in ("=", "<>"):
            _check_ordered(node.op, (node.left, node.right), errors)
    elif isinstance(node, ast.Between):
        for operand in (node.operand, node.low, node.high):
            _check(operand, errors)
        _check_ordered("BETWEEN", (node.operand, node.low, node.high), errors)
        low, high = node.low, node.high
        if isinstance(low, ast.Literal) and isinstance(high, ast.Literal):
            bounds = f"lower bound operand: {_render(low.value)}, " + (
                f"upper bound operand: {_render(high.value)}"
            )
            if low.type() != high.type():
                errors.setdefault(
                    "function",
                    "The BETWEEN operator requires same data type for lower and upper bounds; "
                    + bounds,
                )
            elif values.compare(">", low.value, high.value):
                errors.setdefault(
                    "function",
                    "The BETWEEN operator requires upper bound to be greater than or equal to "
                    "lower bound; " + bounds,
                )
    elif isinstance(node, ast.In):
        _check(node.operand, errors)
        for option in node.options:
            _check(option, errors)
        if len(node.options) > MAX_IN_OPERANDS:
            errors.setdefault(
                "operand",
                "The IN operator is provided with too many operands; "
                f"number of operands: {len(node.options)}",
            )
    elif isinstance(node, ast.And | ast.Or):
        _check(node.left, errors)
        _check(node.right, errors)
    elif isinstance(node, ast.Not):
        _check(node.operand, errors)
    elif isinstance(node, ast.Parens):
        _check(node.inner, errors)


# ---- evaluation


def operand_value(operand: Any, item: ast.Item | None) -> ast.AttributeValue | None:
    if isinstance(operand, ast.Path):
        return paths.get(item, ast.bound_elements(operand))
    if isinstance(operand, ast.Literal):
        return operand.value
    if isinstance(operand, ast.Call) and operand.name == "size":
        inner = operand_value(operand.args[0], item)
        length = values.size(inner) if inner is not None else None
        return None if length is None else {"N": str(length)}
    return None


def evaluate(node: Any, item: ast.Item | None) -> bool:
    if isinstance(node, ast.And):
        return evaluate(node.left, item) and evaluate(node.right, item)
    if isinstance(node, ast.Or):
        return evaluate(node.left, item) or evaluate(node.right, item)
    if isinstance(node, ast.Not):
        return not evaluate(node.operand, item)
    if isinstance(node, ast.Parens):
        return evaluate(node.inner, item)
    if isinstance(node, ast.Compare):
        return values.compare(
            node.op, operand_value(node.left, item), operand_value(node.right, item)
        )
    if isinstance(node, ast.Between):
        value = operand_value(node.operand, item)
        return values.compare(">=", value, operand_value(node.low, item)) and values.compare(
            "<=", value, operand_value(node.high, item)
        )
    if isinstance(node, ast.In):
        value = operand_value(node.operand, item)
        return any(values.compare("=", value, operand_value(o, item)) for o in node.options)
    if isinstance(node, ast.FunctionCondition):
        return _evaluate_function(node.call, item)
    raise TypeError(f"not a condition: {node!r}")


def _evaluate_function(call: ast.Call, item: ast.Item | None) -> bool:
    # check() reports a misused or unknown function, or a wrong operand count, before any
    # evaluation; a tree that skipped it still gets AWS's answer rather than a crash.
    if call.name == "size":
        raise ValidationException(_MISUSED_SIZE)
    if call.name not in CONDITION_FUNCTIONS:
        raise ValidationException(_unknown_function(call.name))
    if len(call.args) != CONDITION_FUNCTIONS[call.name]:
        raise ValidationException(_operand_count_error(call.name, len(call.args)))
    args = [operand_value(arg, item) for arg in call.args]
    if call.name == "attribute_exists":
        return args[0] is not None
    if call.name == "attribute_not_exists":
        return args[0] is None
    if args[0] is None or args[1] is None:
        return False
    if call.name == "attribute_type":
        return values.av_type(args[0]) == args[1].get("S")
    if call.name == "begins_with":
        return values.begins_with(args[0], args[1])
    return values.contains(args[0], args[1])
