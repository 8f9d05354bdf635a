"""Evaluating a parsed metric math expression against the queries of one request (GetMetricData,
or an alarm's Metrics): Ids resolve to other queries' values, METRICS() to the request's
MetricStat queries, SEARCH and ANOMALY_DETECTION_BAND to what the caller's `Sources` find."""

from __future__ import annotations

from typing import Protocol

from headwater.cloudwatch.expressions.functions import FUNCTIONS, KEYWORDS, REFUSED, Arg, Keyword
from headwater.cloudwatch.expressions.series import (
    ExpressionTypeError,
    Scope,
    TimeSeries,
    Value,
    apply,
    negate,
    unsupported,
)
from headwater.cloudwatch.expressions.syntax import (
    Array,
    Binary,
    Call,
    ExpressionError,
    Name,
    Node,
    Number,
    Text,
    Unary,
)

DEFAULT_BAND_WIDTH = 2.0


class Sources(Protocol):
    def has(self, query_id: str) -> bool: ...

    def resolve(self, query_id: str) -> Value: ...

    def metrics(self, contains: str) -> list[TimeSeries]: ...

    def search(self, expression: str, stat: str, period: int) -> list[TimeSeries]: ...

    def band(self, query_id: str, width: float) -> list[TimeSeries]: ...


def evaluate(node: Node, scope: Scope, sources: Sources) -> Value:
    """The value of `node`; ExpressionError or ExpressionTypeError when it cannot be had."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return sources.resolve(node.name)
    if isinstance(node, Unary):
        operand = evaluate(node.operand, scope, sources)
        return negate(operand)
    if isinstance(node, Binary):
        return apply(node.op, evaluate(node.left, scope, sources),
                     evaluate(node.right, scope, sources))
    if isinstance(node, Array):
        found: list[TimeSeries] = []
        for item in node.items:
            value = evaluate(item, scope, sources)
            if isinstance(value, list):
                found.extend(value)
            elif isinstance(value, TimeSeries):
                found.append(value)
            else:
                raise ExpressionTypeError("An array may hold only time series")
        return found
    if isinstance(node, Call):
        return _call(node, scope, sources)
    raise ExpressionError("A string is only valid as a function argument")


def _call(node: Call, scope: Scope, sources: Sources) -> Value:
    name, args = node.function, node.args
    if name in REFUSED:
        raise ExpressionError(f"Headwater does not support {name}: it reads {REFUSED[name]}, "
                              "which Headwater does not have")
    if name == "METRICS":
        if len(args) > 1 or (args and not isinstance(args[0], Text)):
            raise ExpressionTypeError("METRICS takes no argument or one string")
        return sources.metrics(args[0].value if args and isinstance(args[0], Text) else "")
    if name == "SEARCH":
        if len(args) != 3 or not isinstance(args[0], Text) or not isinstance(args[1], Text) \
                or not isinstance(args[2], Number):
            raise ExpressionTypeError("SEARCH takes a search expression, a statistic and a "
                                      "period")
        return sources.search(args[0].value, args[1].value, int(args[2].value))
    if name == "ANOMALY_DETECTION_BAND":
        if not 1 <= len(args) <= 2 or not isinstance(args[0], Name):
            raise unsupported(name, *(_argument(a, scope, sources) for a in args))
        width = _argument(args[1], scope, sources) if len(args) == 2 else DEFAULT_BAND_WIDTH
        if not isinstance(width, float) or isinstance(width, str):
            raise unsupported(name, sources.resolve(args[0].name), width)
        return sources.band(args[0].name, width)
    function = FUNCTIONS.get(name)
    if function is None:
        raise ExpressionError(f"Unknown function {name}")
    return function(scope, *(_argument(a, scope, sources) for a in args))


def _argument(node: Node, scope: Scope, sources: Sources) -> Arg:
    if isinstance(node, Text):
        return node.value
    if isinstance(node, Name) and node.name in KEYWORDS and not sources.has(node.name):
        return Keyword(node.name)
    return evaluate(node, scope, sources)
