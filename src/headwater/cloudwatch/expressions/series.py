"""The values metric math works on (user guide "Data type abbreviations"): a scalar (S), a time
series (TS: datapoints by timestamp, with its period and label) and an array of time series
(TS[]); and the operators between them with AWS's alignment rules:

- arithmetic (+ - * / ^) between two time series runs over the union of their timestamps, a
  missing value counting as 0 ("Missing values in a time series are treated as 0"); a
  datapoint whose result is not a finite number (division by zero) is dropped;
- a comparison or logical operator gives 0 or 1, with the same alignment;
- between a series and a scalar, point by point; an array applies the operator to each of
  its series.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field


class ExpressionTypeError(Exception):
    """Arguments of the wrong kind for a function or an operator."""


@dataclass(slots=True)
class TimeSeries:
    label: str
    points: dict[float, float] = field(default_factory=dict)
    period: int = 60

    def ordered(self) -> list[tuple[float, float]]:
        return sorted(self.points.items())


Value = float | TimeSeries | list[TimeSeries]


@dataclass(frozen=True, slots=True)
class Scope:
    """The query's time range, and the period of results that have none of their own."""
    start: float
    end: float
    period: int

    def moments(self, period: int | None = None) -> list[float]:
        step = period or self.period
        count = max(0, math.ceil((self.end - self.start) / step))
        return [self.start + i * step for i in range(count)]


def kind(value: object) -> str:
    """AWS's names of value types, as its errors print them."""
    if isinstance(value, list):
        return "Array[TimeSeries]"
    if isinstance(value, TimeSeries):
        return "TimeSeries"
    if isinstance(value, str):
        return "String"
    return "Scalar"


def unsupported(name: str, *args: object) -> ExpressionTypeError:
    shown = ", ".join(kind(a) for a in args)
    return ExpressionTypeError(f"Unsupported operand type(s) for {name}: '[{shown}]'")


def _divide(a: float, b: float) -> float:
    return a / b if b else math.nan


def _power(a: float, b: float) -> float:
    try:
        result = a ** b
    except (OverflowError, ZeroDivisionError):
        return math.nan
    return result if isinstance(result, float | int) else math.nan


def _truth(test: Callable[[float, float], bool]) -> Callable[[float, float], float]:
    return lambda a, b: 1.0 if test(a, b) else 0.0


OPERATORS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide, "^": _power,
    "==": _truth(operator.eq), "!=": _truth(operator.ne), "<=": _truth(operator.le),
    ">=": _truth(operator.ge), "<": _truth(operator.lt), ">": _truth(operator.gt),
    "AND": _truth(lambda a, b: bool(a) and bool(b)),
    "OR": _truth(lambda a, b: bool(a) or bool(b)),
}


def finite(points: dict[float, float]) -> dict[float, float]:
    return {t: v for t, v in points.items() if math.isfinite(v)}


def apply(op: str, left: Value, right: Value) -> Value:
    """`left op right` with the alignment rules above."""
    fn = OPERATORS[op]
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            raise unsupported(op, left, right)
        return [_series(apply(op, a, b)) for a, b in zip(left, right, strict=True)]
    if isinstance(left, list):
        return [_series(apply(op, s, right)) for s in left]
    if isinstance(right, list):
        return [_series(apply(op, left, s)) for s in right]
    if isinstance(left, TimeSeries) and isinstance(right, TimeSeries):
        moments = left.points.keys() | right.points.keys()
        return TimeSeries(left.label, finite({
            t: fn(left.points.get(t, 0.0), right.points.get(t, 0.0)) for t in sorted(moments)}),
            left.period)
    if isinstance(left, TimeSeries):
        assert isinstance(right, float)
        return TimeSeries(left.label, finite({t: fn(v, right) for t, v in left.points.items()}),
                          left.period)
    if isinstance(right, TimeSeries):
        return TimeSeries(right.label, finite({t: fn(left, v) for t, v in right.points.items()}),
                          right.period)
    return fn(left, right)


def negate(value: Value) -> Value:
    return apply("-", 0.0, value) if not isinstance(value, TimeSeries) else TimeSeries(
        value.label, {t: -v for t, v in value.points.items()}, value.period)


def _series(value: Value) -> TimeSeries:
    assert isinstance(value, TimeSeries)
    return value
