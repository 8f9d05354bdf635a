"""Metric math for alarms (the Metrics member's Expression): arithmetic (+ - * /, unary
minus, numbers) over the other queries' Ids and FILL(id, value), period by period; a period
where a referenced query has no datapoint (and no FILL) has none."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence

from headwater.cloudwatch.errors import InvalidParameterValueException

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def check(expression: str, ids: Sequence[str]) -> None:
    """Raise InvalidParameterValue for an expression this module cannot evaluate."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise _unsupported(expression) from None
    for node in ast.walk(tree.body):
        if isinstance(node, ast.Name) and node.id not in ids and node.id != "FILL":
            raise InvalidParameterValueException(
                f"Invalid metrics list: unknown id {node.id} in expression {expression}.")
        if not isinstance(node, ast.BinOp | ast.UnaryOp | ast.Name | ast.Constant | ast.Call
                          | ast.operator | ast.unaryop | ast.Load):
            raise _unsupported(expression)
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                               and node.func.id == "FILL"
                                               and len(node.args) == 2):
            raise _unsupported(expression)


def evaluate(expression: str, series: Mapping[str, Mapping[float, float]],
             moments: Sequence[float]) -> dict[float, float]:
    tree = ast.parse(expression, mode="eval").body
    out: dict[float, float] = {}
    for moment in moments:
        value = _value(tree, series, moment)
        if value is not None:
            out[moment] = value
    return out


def _value(node: ast.expr, series: Mapping[str, Mapping[float, float]], moment: float
           ) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return series.get(node.id, {}).get(moment)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _value(node.operand, series, moment)
        return None if inner is None else -inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, series, moment), _value(node.right, series, moment)
        if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
            return None
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        found = _value(node.args[0], series, moment)
        return found if found is not None else _value(node.args[1], series, moment)
    return None


def _unsupported(expression: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(
        f"Unsupported metric math expression: {expression}. Headwater evaluates + - * /, "
        "numbers, query ids and FILL(id, value).")
