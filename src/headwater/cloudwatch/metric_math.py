"""Metric math for GetMetricData (CloudWatch user guide, "Using metric math" and "CloudWatch
search expression syntax"): arithmetic (+ - * / ^, unary minus) between time series and
scalars, aligned by timestamp; the functions ABS, AVG, CEIL, FLOOR, MAX, MIN, SUM, METRICS,
FILL (with a number), RATE, DIFF, PERIOD; and SEARCH('{Namespace,Dim,...} terms', 'Stat',
Period) over the metrics Headwater holds. Applied to a single series AVG, MAX, MIN and SUM
give a scalar; applied to an array of series they give one series, timestamp by timestamp.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.store import Series


@dataclass(slots=True)
class TimeSeries:
    label: str
    points: dict[float, float] = field(default_factory=dict)
    period: int = 60


Value = float | TimeSeries | list[TimeSeries]
Resolve = Callable[[str], Value]
# (namespace, search expression, stat, period) -> the matching series
Searcher = Callable[[str, str, int], list[TimeSeries]]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][\w]*)"
                    r"|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<op>[-+*/^(),]))")


def invalid(expression: str, why: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"Error in expression '{expression}': {why}")


def tokens(expression: str) -> list[tuple[str, str]]:
    out, at = [], 0
    text = expression.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise invalid(expression, f"Unexpected character at position {at + 1}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        at = match.end()
    return out


class Evaluator:
    def __init__(self, expression: str, resolve: Resolve, search: Searcher,
                 default_period: int) -> None:
        self.expression = expression
        self.tokens = tokens(expression)
        self.at = 0
        self.resolve = resolve
        self.search = search
        self.period = default_period

    def run(self) -> Value:
        value = self._sum()
        if self.at != len(self.tokens):
            raise invalid(self.expression, f"Unexpected token '{self.tokens[self.at][1]}'")
        return value

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, text: str) -> bool:
        token = self._peek()
        if token is not None and token[0] == "op" and token[1] == text:
            self.at += 1
            return True
        return False

    def _sum(self) -> Value:
        value = self._product()
        while True:
            if self._take("+"):
                value = combine(value, self._product(), lambda a, b: a + b)
            elif self._take("-"):
                value = combine(value, self._product(), lambda a, b: a - b)
            else:
                return value

    def _product(self) -> Value:
        value = self._power()
        while True:
            if self._take("*"):
                value = combine(value, self._power(), lambda a, b: a * b)
            elif self._take("/"):
                value = combine(value, self._power(), _divide)
            else:
                return value

    def _power(self) -> Value:
        value = self._unary()
        if self._take("^"):
            value = combine(value, self._power(), _power)
        return value

    def _unary(self) -> Value:
        if self._take("-"):
            return combine(0.0, self._unary(), lambda a, b: a - b)
        if self._take("+"):
            return self._unary()
        return self._atom()

    def _atom(self) -> Value:
        token = self._peek()
        if token is None:
            raise invalid(self.expression, "Unexpected end of expression")
        kind, text = token
        self.at += 1
        if kind == "num":
            return float(text)
        if kind == "op" and text == "(":
            value = self._sum()
            if not self._take(")"):
                raise invalid(self.expression, "Missing ')'")
            return value
        if kind == "name":
            if self._take("("):
                return self._call(text)
            return self.resolve(text)
        if kind == "str":
            raise invalid(self.expression, "A string is only valid as a function argument")
        raise invalid(self.expression, f"Unexpected token '{text}'")

    def _arguments(self) -> list[Value | str]:
        args: list[Value | str] = []
        if self._take(")"):
            return args
        while True:
            token = self._peek()
            if token is not None and token[0] == "str":
                self.at += 1
                args.append(token[1][1:-1])
            else:
                args.append(self._sum())
            if self._take(")"):
                return args
            if not self._take(","):
                raise invalid(self.expression, "Expected ',' or ')'")

    def _call(self, name: str) -> Value:
        args = self._arguments()
        function = FUNCTIONS.get(name.upper())
        if name.upper() == "SEARCH":
            return self._search(args)
        if name.upper() == "METRICS":
            found = self.resolve("METRICS()" if not args else f"METRICS({args[0]})")
            return found
        if name.upper() == "PERIOD":
            (series,) = args
            if not isinstance(series, TimeSeries):
                raise invalid(self.expression, "PERIOD takes a time series")
            return float(series.period)
        if function is None:
            raise invalid(self.expression, f"Unknown function {name}")
        try:
            return function(*args)
        except TypeError:
            raise invalid(self.expression, f"Invalid arguments to {name}") from None

    def _search(self, args: list[Value | str]) -> Value:
        if len(args) != 3 or not isinstance(args[0], str) or not isinstance(args[1], str) \
                or not isinstance(args[2], float):
            raise invalid(self.expression, "SEARCH takes a search expression, a statistic "
                                           "and a period")
        return self.search(args[0], args[1], int(args[2]))


def _divide(a: float, b: float) -> float:
    return a / b if b else math.nan


def _power(a: float, b: float) -> float:
    try:
        return float(a ** b)
    except (OverflowError, ZeroDivisionError):
        return math.nan


def combine(left: Value | str, right: Value | str, op: Callable[[float, float], float]
            ) -> Value:
    """`op` between scalars and series: a series with a scalar point by point, two series on
    their common timestamps, an array element by element."""
    if isinstance(left, str) or isinstance(right, str):
        raise InvalidParameterValueException("A string is only valid as a function argument")
    if isinstance(left, list):
        return [_as_series(combine(s, right, op)) for s in left]
    if isinstance(right, list):
        return [_as_series(combine(left, s, op)) for s in right]
    if isinstance(left, TimeSeries) and isinstance(right, TimeSeries):
        common = left.points.keys() & right.points.keys()
        return TimeSeries("", {t: op(left.points[t], right.points[t]) for t in common},
                          left.period)
    if isinstance(left, TimeSeries):
        assert isinstance(right, float)
        return TimeSeries(left.label, {t: op(v, right) for t, v in left.points.items()},
                          left.period)
    if isinstance(right, TimeSeries):
        return TimeSeries(right.label, {t: op(left, v) for t, v in right.points.items()},
                          right.period)
    return op(left, right)


def _as_series(value: Value) -> TimeSeries:
    assert isinstance(value, TimeSeries)
    return value


def _reduce(name: str, reduce: Callable[[list[float]], float]) -> Callable[..., Value]:
    def apply(*args: Value | str) -> Value:
        series: list[TimeSeries] = []
        for arg in args:
            if isinstance(arg, list):
                series.extend(arg)
            elif isinstance(arg, TimeSeries):
                series.append(arg)
            else:
                raise TypeError(name)
        if len(args) == 1 and isinstance(args[0], TimeSeries):
            values = list(args[0].points.values())
            return reduce(values) if values else math.nan
        moments = sorted({t for s in series for t in s.points})
        return TimeSeries("", {t: reduce([s.points[t] for s in series if t in s.points])
                               for t in moments}, series[0].period if series else 60)

    return apply


def _pointwise(op: Callable[[float], float]) -> Callable[..., Value]:
    def apply(value: Value | str) -> Value:
        if isinstance(value, list):
            return [_as_series(apply(s)) for s in value]
        if isinstance(value, TimeSeries):
            return TimeSeries(value.label, {t: op(v) for t, v in value.points.items()},
                              value.period)
        if isinstance(value, float):
            return op(value)
        raise TypeError("pointwise")

    return apply


def _fill(value: Value | str, fill: Value | str) -> Value:
    """FILL(series, number): the missing periods between the first and last datapoint."""
    if isinstance(value, list):
        return [_as_series(_fill(s, fill)) for s in value]
    if not isinstance(value, TimeSeries) or not isinstance(fill, float) or not value.points:
        if isinstance(value, TimeSeries):
            return value
        raise TypeError("FILL")
    first, last = min(value.points), max(value.points)
    points = dict(value.points)
    moment = first
    while moment <= last:
        points.setdefault(moment, fill)
        moment += value.period
    return TimeSeries(value.label, dict(sorted(points.items())), value.period)


def _differences(per_second: bool) -> Callable[..., Value]:
    def apply(value: Value | str) -> Value:
        if isinstance(value, list):
            return [_as_series(apply(s)) for s in value]
        if not isinstance(value, TimeSeries):
            raise TypeError("DIFF")
        ordered = sorted(value.points.items())
        out = {}
        for (t0, v0), (t1, v1) in zip(ordered, ordered[1:], strict=False):
            out[t1] = (v1 - v0) / (t1 - t0) if per_second else v1 - v0
        return TimeSeries(value.label, out, value.period)

    return apply


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "ABS": _pointwise(abs),
    "CEIL": _pointwise(lambda v: float(math.ceil(v)) if math.isfinite(v) else v),
    "FLOOR": _pointwise(lambda v: float(math.floor(v)) if math.isfinite(v) else v),
    "SUM": _reduce("SUM", lambda vs: float(sum(vs))),
    "AVG": _reduce("AVG", lambda vs: float(sum(vs) / len(vs))),
    "MIN": _reduce("MIN", lambda vs: float(min(vs))),
    "MAX": _reduce("MAX", lambda vs: float(max(vs))),
    "FILL": _fill,
    "DIFF": _differences(False),
    "RATE": _differences(True),
}


# -- SEARCH ---------------------------------------------------------------------------------

_SCHEMA = re.compile(r"^\s*\{([^}]*)\}")
_TERM = re.compile(r"\s*(?:(\w+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s()]+)|(\"[^\"]*\"|[^\s()]+))")


def search_matches(expression: str, series: Series) -> bool:
    """Whether `series` matches a search expression: an optional schema
    `{Namespace,DimensionName,...}` (exactly those dimension names), then terms all of which
    must match: `Key=Value` / `Key="Value"` exactly (MetricName, Namespace or a dimension), or
    a bare word found in the metric name, namespace or a dimension name or value."""
    text = expression
    schema = _SCHEMA.match(text)
    if schema:
        names = [part.strip().strip('"') for part in schema.group(1).split(",")]
        if series.namespace != names[0]:
            return False
        if sorted(names[1:]) != sorted(k for k, _ in series.dimensions):
            return False
        text = text[schema.end():]
    fields = {"MetricName": series.name, "Namespace": series.namespace, **dict(series.dimensions)}
    for match in _TERM.finditer(text):
        key, value, word = match.groups()
        if key is not None:
            if fields.get(key) != value.strip("\"'"):
                return False
        elif word and word.upper() not in ("AND",):
            wanted = word.strip('"').lower()
            haystack = [series.name, series.namespace, *(p for kv in series.dimensions
                                                           for p in kv)]
            if not any(wanted in part.lower() for part in haystack):
                return False
    return True
