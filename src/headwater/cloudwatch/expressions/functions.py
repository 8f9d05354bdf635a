"""The metric math functions (user guide "Functions supported for metric math"), each taking
the query's Scope and its evaluated arguments:

- on a single series AVG, MAX, MIN, SUM, STDDEV and DATAPOINT_COUNT give a scalar; on an array,
  one series, timestamp by timestamp (AVG counting a missing value as 0, as the guide says; the
  others over the values present). STDDEV is the population standard deviation;
- ABS, CEIL, FLOOR, LOG, LOG10 point by point (a result that is not a number is dropped); DIFF,
  DIFF_TIME, RATE and RUNNING_SUM along each series;
- FILL over the query's whole range at the series' period: with a number, another series' value
  at that timestamp, REPEAT (the latest value before the gap; none before the first datapoint)
  or LINEAR (interpolated between the values around the gap; none before the first or after
  the last datapoint);
- FIRST, LAST, METRIC_COUNT, REMOVE_EMPTY, SLICE, SORT (by AVG, MIN, MAX or SUM, ASC or DESC,
  with an optional limit) on arrays; IF with AWS's table of cases; MINUTE, HOUR, DAY (1 is
  Monday), DATE, MONTH, YEAR and EPOCH as non-sparse series over the query's range at the
  series' period (UTC); TIME_SERIES(S) likewise at the query's period.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from headwater.cloudwatch.expressions.series import (
    Scope,
    TimeSeries,
    Value,
    finite,
    unsupported,
)


class Keyword(str):
    """A bare word a function reads itself (SORT's AVG and DESC, FILL's REPEAT and LINEAR)."""

    __slots__ = ()


Arg = Value | str
Function = Callable[..., Value]


def _series_list(name: str, args: tuple[Arg, ...]) -> list[TimeSeries]:
    found: list[TimeSeries] = []
    for arg in args:
        if isinstance(arg, list):
            found.extend(arg)
        elif isinstance(arg, TimeSeries):
            found.append(arg)
        else:
            raise unsupported(name, *args)
    return found


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _stddev(values: list[float]) -> float:
    if not values:
        return math.nan
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


REDUCERS: dict[str, Callable[[list[float]], float]] = {
    "SUM": lambda vs: float(sum(vs)) if vs else math.nan,
    "AVG": _mean,
    "MIN": lambda vs: float(min(vs)) if vs else math.nan,
    "MAX": lambda vs: float(max(vs)) if vs else math.nan,
    "STDDEV": _stddev,
    "DATAPOINT_COUNT": lambda vs: float(len(vs)),
}


def _reducer(name: str) -> Function:
    reduce = REDUCERS[name]

    def apply(scope: Scope, *args: Arg) -> Value:
        if len(args) == 1 and isinstance(args[0], TimeSeries):
            return reduce(list(args[0].points.values()))
        series = _series_list(name, args)
        if not args:
            raise unsupported(name)
        moments = sorted({t for s in series for t in s.points})
        period = series[0].period if series else scope.period
        if name == "AVG":
            # the guide: missing values count as 0 in the AVG of an array
            return TimeSeries("", finite({t: sum(s.points.get(t, 0.0) for s in series)
                                          / len(series) for t in moments}), period)
        return TimeSeries("", finite({t: reduce([s.points[t] for s in series if t in s.points])
                                      for t in moments}), period)

    return apply


def _pointwise(name: str, op: Callable[[float], float]) -> Function:
    def safe(value: float) -> float:
        try:
            return op(value)
        except (ValueError, OverflowError):
            return math.nan

    def apply(scope: Scope, value: Arg, *extra: Arg) -> Value:
        if extra:
            raise unsupported(name, value, *extra)
        if isinstance(value, list):
            return [_one(apply(scope, s)) for s in value]
        if isinstance(value, TimeSeries):
            return TimeSeries(value.label, finite({t: safe(v) for t, v in value.points.items()}),
                              value.period)
        if isinstance(value, float):
            return safe(value)
        raise unsupported(name, value)

    return apply


def _along(name: str, step: Callable[[list[tuple[float, float]]], dict[float, float]]
           ) -> Function:
    def apply(scope: Scope, value: Arg, *extra: Arg) -> Value:
        if extra:
            raise unsupported(name, value, *extra)
        if isinstance(value, list):
            return [_one(apply(scope, s)) for s in value]
        if not isinstance(value, TimeSeries):
            raise unsupported(name, value)
        return TimeSeries(value.label, finite(step(value.ordered())), value.period)

    return apply


def _pairs(points: list[tuple[float, float]]
           ) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return list(zip(points, points[1:], strict=False))


def _running(points: list[tuple[float, float]]) -> dict[float, float]:
    total, out = 0.0, {}
    for moment, value in points:
        total += value
        out[moment] = total
    return out


def _one(value: Value) -> TimeSeries:
    assert isinstance(value, TimeSeries)
    return value


def fill(scope: Scope, value: Arg, how: Arg) -> Value:
    if isinstance(value, list):
        return [_one(fill(scope, s, how)) for s in value]
    if not isinstance(value, TimeSeries) or isinstance(how, list) or (
            isinstance(how, str) and how not in ("REPEAT", "LINEAR")):
        raise unsupported("FILL", value, how)
    moments = scope.moments(value.period)
    points = dict(value.points)
    known = value.ordered()
    for moment in moments:
        if moment in points:
            continue
        if isinstance(how, float):
            points[moment] = how
        elif isinstance(how, TimeSeries):
            if moment in how.points:
                points[moment] = how.points[moment]
        else:
            filler = _repeat(known, moment) if how == "REPEAT" else _linear(known, moment)
            if filler is not None:
                points[moment] = filler
    return TimeSeries(value.label, dict(sorted(points.items())), value.period)


def _repeat(known: list[tuple[float, float]], moment: float) -> float | None:
    before = [v for t, v in known if t < moment]
    return before[-1] if before else None


def _linear(known: list[tuple[float, float]], moment: float) -> float | None:
    before = [(t, v) for t, v in known if t < moment]
    after = [(t, v) for t, v in known if t > moment]
    if not before or not after:
        return None
    (t0, v0), (t1, v1) = before[-1], after[0]
    return v0 + (v1 - v0) * (moment - t0) / (t1 - t0)


def first(scope: Scope, *args: Arg) -> Value:
    return _end("FIRST", args, 0)


def last(scope: Scope, *args: Arg) -> Value:
    return _end("LAST", args, -1)


def _end(name: str, args: tuple[Arg, ...], at: int) -> Value:
    if len(args) != 1 or not isinstance(args[0], list):
        raise unsupported(name, *args)
    return args[0][at] if args[0] else TimeSeries("")


def metric_count(scope: Scope, *args: Arg) -> Value:
    if len(args) != 1 or not isinstance(args[0], list):
        raise unsupported("METRIC_COUNT", *args)
    return float(len(args[0]))


def remove_empty(scope: Scope, *args: Arg) -> Value:
    if len(args) != 1 or not isinstance(args[0], list):
        raise unsupported("REMOVE_EMPTY", *args)
    return [s for s in args[0] if s.points]


def slice_(scope: Scope, *args: Arg) -> Value:
    if not 2 <= len(args) <= 3 or not isinstance(args[0], list) or not all(
            isinstance(a, float) and not isinstance(a, str) for a in args[1:]):
        raise unsupported("SLICE", *args)
    bounds = [int(a) for a in args[1:] if isinstance(a, float)]
    return args[0][bounds[0]:bounds[1] if len(bounds) > 1 else None]


SORT_BY = ("AVG", "MIN", "MAX", "SUM")


def sort(scope: Scope, *args: Arg) -> Value:
    if not 3 <= len(args) <= 4 or not isinstance(args[0], list) \
            or args[1] not in SORT_BY or args[2] not in ("ASC", "DESC") \
            or (len(args) == 4 and not isinstance(args[3], float)):
        raise unsupported("SORT", *args)
    reduce = REDUCERS[str(args[1])]

    def key(series: TimeSeries) -> float:
        found = reduce(list(series.points.values()))
        return found if math.isfinite(found) else -math.inf

    ordered = sorted(args[0], key=key, reverse=args[2] == "DESC")
    if len(args) == 4 and isinstance(args[3], float):
        ordered = ordered[:int(args[3])]
    return ordered


def if_(scope: Scope, *args: Arg) -> Value:
    """IF(condition, trueValue[, falseValue]) as the guide's table has it: for each datapoint
    of the condition, the true value's datapoint (0 when it has none) or a scalar; else the
    false value's datapoint, dropped when it has none or is omitted. A scalar condition picks
    one whole series."""
    values = [a for a in args if isinstance(a, float | TimeSeries) and not isinstance(a, str)]
    if len(args) not in (2, 3) or len(values) != len(args):
        raise unsupported("IF", *args)
    condition, yes = values[0], values[1]
    no = values[2] if len(values) == 3 else None
    if isinstance(condition, float):
        chosen = yes if condition else no
        if chosen is None:
            return TimeSeries("")
        return chosen
    assert isinstance(condition, TimeSeries)
    out: dict[float, float] = {}
    for moment, test in condition.points.items():
        if test:
            out[moment] = yes if isinstance(yes, float) else yes.points.get(moment, 0.0)
        elif isinstance(no, float):
            out[moment] = no
        elif isinstance(no, TimeSeries) and moment in no.points:
            out[moment] = no.points[moment]
    label = yes.label if isinstance(yes, TimeSeries) else condition.label
    return TimeSeries(label, dict(sorted(out.items())), condition.period)


def _clock(name: str, part: Callable[[datetime], float]) -> Function:
    def apply(scope: Scope, *args: Arg) -> Value:
        if len(args) != 1 or not isinstance(args[0], TimeSeries):
            raise unsupported(name, *args)
        series = args[0]
        return TimeSeries(series.label, {
            t: part(datetime.fromtimestamp(t, UTC)) for t in scope.moments(series.period)},
            series.period)

    return apply


def time_series(scope: Scope, *args: Arg) -> Value:
    if len(args) != 1 or not isinstance(args[0], float) or isinstance(args[0], str):
        raise unsupported("TIME_SERIES", *args)
    value = args[0]
    return TimeSeries("", {t: value for t in scope.moments()} if math.isfinite(value) else {},
                      scope.period)


def period(scope: Scope, *args: Arg) -> Value:
    if len(args) != 1 or not isinstance(args[0], TimeSeries):
        raise unsupported("PERIOD", *args)
    return float(args[0].period)


FUNCTIONS: dict[str, Function] = {
    "ABS": _pointwise("ABS", abs),
    "AVG": _reducer("AVG"),
    "CEIL": _pointwise("CEIL", lambda v: float(math.ceil(v))),
    "DATAPOINT_COUNT": _reducer("DATAPOINT_COUNT"),
    "DATE": _clock("DATE", lambda d: float(d.day)),
    "DAY": _clock("DAY", lambda d: float(d.isoweekday())),
    "DIFF": _along("DIFF", lambda ps: {b[0]: b[1] - a[1] for a, b in _pairs(ps)}),
    "DIFF_TIME": _along("DIFF_TIME", lambda ps: {b[0]: b[0] - a[0] for a, b in _pairs(ps)}),
    "EPOCH": _clock("EPOCH", lambda d: float(int(d.timestamp()))),
    "FILL": fill,
    "FIRST": first,
    "FLOOR": _pointwise("FLOOR", lambda v: float(math.floor(v))),
    "HOUR": _clock("HOUR", lambda d: float(d.hour)),
    "IF": if_,
    "LAST": last,
    "LOG": _pointwise("LOG", math.log),
    "LOG10": _pointwise("LOG10", math.log10),
    "MAX": _reducer("MAX"),
    "METRIC_COUNT": metric_count,
    "MIN": _reducer("MIN"),
    "MINUTE": _clock("MINUTE", lambda d: float(d.minute)),
    "MONTH": _clock("MONTH", lambda d: float(d.month)),
    "PERIOD": period,
    "RATE": _along("RATE", lambda ps: {b[0]: (b[1] - a[1]) / (b[0] - a[0])
                                       for a, b in _pairs(ps)}),
    "REMOVE_EMPTY": remove_empty,
    "RUNNING_SUM": _along("RUNNING_SUM", _running),
    "SLICE": slice_,
    "SORT": sort,
    "STDDEV": _reducer("STDDEV"),
    "SUM": _reducer("SUM"),
    "TIME_SERIES": time_series,
    "YEAR": _clock("YEAR", lambda d: float(d.year)),
}
# Functions AWS documents that read data Headwater does not have: refused by name.
REFUSED = {
    "INSIGHT_RULE_METRIC": "Contributor Insights rules",
    "SERVICE_QUOTA": "Service Quotas usage metrics",
    "LAMBDA": "Lambda data source connectors",
}
KEYWORDS = frozenset({*SORT_BY, "ASC", "DESC", "REPEAT", "LINEAR"})
