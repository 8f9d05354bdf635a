"""Metric math (CloudWatch User Guide, "Metric math syntax and functions"): the parser (with
hypothesis: printed trees parse back to themselves, garbage never escapes as anything but an
ExpressionError) and each function's values, table-driven, including the guide's own worked
examples for comparison operators and IF."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.expressions.queries import QuerySet
from headwater.cloudwatch.expressions.series import Scope, TimeSeries
from headwater.cloudwatch.expressions.syntax import (
    Array,
    Binary,
    Call,
    ExpressionError,
    Name,
    Node,
    Number,
    Unary,
    parse,
)

M = None  # a missing datapoint in the tables below


def _series(values: list[float | None], start: float = 0.0) -> dict[float, float]:
    return {start + 60 * i: v for i, v in enumerate(values) if v is not None}


def run(expression: str, data: dict[str, list[float | None]], periods: int = 4,
        bands: dict[str, tuple[list[float], list[float]]] | None = None) -> Any:
    """The value of `expression` over `periods` minutes from 0, with MetricStat queries m1...
    holding `data` (None: no datapoint); a series as its list of values per minute."""
    queries: list[dict[str, Any]] = [
        {"Id": qid, "MetricStat": {"Metric": {"Namespace": "N", "MetricName": qid.upper()},
                                   "Period": 60, "Stat": "Sum"}} for qid in data]
    queries.append({"Id": "e", "Expression": expression})

    def fetch(stat: dict[str, Any], scope: Scope) -> TimeSeries:
        name = stat["Metric"]["MetricName"].lower()
        return TimeSeries(name.upper(), _series(data[name]), 60)

    def band(stat: dict[str, Any], width: float, scope: Scope) -> list[TimeSeries]:
        upper, lower = (bands or {})[stat["Metric"]["MetricName"].lower()]
        return [TimeSeries("up", _series([u * width for u in upper])),
                TimeSeries("low", _series([lo * width for lo in lower]))]

    def search(expression: str, stat: str, period: int, scope: Scope) -> list[TimeSeries]:
        return []

    value = QuerySet(queries, Scope(0.0, 60.0 * periods, 60), fetch, search, band).resolve("e")
    return _plain(value, periods)


def _plain(value: Any, periods: int) -> Any:
    if isinstance(value, list):
        return [_plain(v, periods) for v in value]
    if isinstance(value, TimeSeries):
        return [value.points.get(60.0 * i) for i in range(periods)]
    return value


# The guide's example series for the comparison and logical operators.
GUIDE = {"m1": [30.0, 20.0, 0.0, 0.0], "m2": [20.0, M, 20.0, M]}
# The guide's example series for IF.
IF_DATA = {"m1": [1.0, 1.0, 0.0, 0.0, M], "m2": [30.0, M, 0.0, 0.0, 30.0],
           "m3": [0.0, 0.0, 20.0, M, 20.0]}


@pytest.mark.parametrize("expression, data, expected", [
    # arithmetic: missing values count as 0, a division by zero drops the datapoint
    ("m1 + m2", GUIDE, [50.0, 20.0, 20.0, 0.0]),
    ("m1 / m2", GUIDE, [1.5, M, 0.0, M]),
    ("m1 - 10", GUIDE, [20.0, 10.0, -10.0, -10.0]),
    ("2 ^ 3 * m1 / 10", GUIDE, [24.0, 16.0, 0.0, 0.0]),
    ("-m1", GUIDE, [-30.0, -20.0, -0.0, -0.0]),
    ("PERIOD(m1) / 60 * m1", GUIDE, [30.0, 20.0, 0.0, 0.0]),
    # comparisons and logic (the guide's table)
    ("(m1 < m2)", GUIDE, [0.0, 0.0, 1.0, 0.0]),
    ("(m1 >= 30)", GUIDE, [1.0, 0.0, 0.0, 0.0]),
    ("(m1 > 15 AND m2 > 15)", GUIDE, [1.0, 0.0, 0.0, 0.0]),
    ("m1 > 15 && m2 > 15", GUIDE, [1.0, 0.0, 0.0, 0.0]),
    ("m1 == 0 OR m2 == 20", GUIDE, [1.0, 0.0, 1.0, 1.0]),
    ("m1 != 20 || m1 <= 0", GUIDE, [1.0, 0.0, 1.0, 1.0]),
    # IF (the guide's tables)
    ("IF(m1, m2, m3)", IF_DATA, [30.0, 0.0, 20.0, M, M]),
    ("IF(m1, 5, m3)", IF_DATA, [5.0, 5.0, 20.0, M, M]),
    ("IF(m1, m2, 5)", IF_DATA, [30.0, 0.0, 5.0, 5.0, M]),
    ("IF(m1, m2)", IF_DATA, [30.0, 0.0, M, M, M]),
    ("IF(m3 > 10, m3)", IF_DATA, [M, M, 20.0, M, 20.0]),
    ("IF(1, m2, m3)", IF_DATA, [30.0, M, 0.0, 0.0, 30.0]),
    ("IF(0, m2)", IF_DATA, [M, M, M, M, M]),
    # point by point
    ("ABS(m1 - 25)", GUIDE, [5.0, 5.0, 25.0, 25.0]),
    ("CEIL(m1 / 7)", GUIDE, [5.0, 3.0, 0.0, 0.0]),
    ("FLOOR(m1 / 7)", GUIDE, [4.0, 2.0, 0.0, 0.0]),
    ("LOG10(m2 * 5)", GUIDE, [2.0, M, 2.0, M]),
    ("LOG(m1)", {"m1": [1.0, math.e, 0.0, -1.0]}, [0.0, 1.0, M, M]),
    # along a series
    ("DIFF(m1)", {"m1": [1.0, 4.0, M, 10.0]}, [M, 3.0, M, 6.0]),
    ("DIFF_TIME(m1)", {"m1": [1.0, 4.0, M, 10.0]}, [M, 60.0, M, 120.0]),
    ("RATE(m1)", {"m1": [1.0, 4.0, M, 10.0]}, [M, 0.05, M, 0.05]),
    ("RUNNING_SUM(m1)", {"m1": [1.0, 4.0, M, 10.0]}, [1.0, 5.0, M, 15.0]),
    # FILL over the query's range
    ("FILL(m1, 7)", {"m1": [M, 4.0, M, 10.0]}, [7.0, 4.0, 7.0, 10.0]),
    ("FILL(m1, m2)", {"m1": [M, 4.0, M, M], "m2": [1.0, 2.0, M, 3.0]}, [1.0, 4.0, M, 3.0]),
    ("FILL(m1, REPEAT)", {"m1": [M, 4.0, M, M]}, [M, 4.0, 4.0, 4.0]),
    ("FILL(m1, LINEAR)", {"m1": [M, 4.0, M, 10.0]}, [M, 4.0, 7.0, 10.0]),
    ("FILL(m1, MIN(m1))", {"m1": [M, 4.0, M, 10.0]}, [4.0, 4.0, 4.0, 10.0]),
    # reducing a series gives a scalar, usable in a larger expression
    ("m1 - AVG(m1)", {"m1": [1.0, 3.0, M, 8.0]}, [-3.0, -1.0, M, 4.0]),
    ("m1 / MAX(m1) + MIN(m1)", {"m1": [2.0, 4.0, M, 8.0]}, [2.25, 2.5, M, 3.0]),
    ("TIME_SERIES(SUM(m1))", {"m1": [2.0, 4.0, M, 8.0]}, [14.0, 14.0, 14.0, 14.0]),
    ("TIME_SERIES(DATAPOINT_COUNT(m1))", {"m1": [2.0, 4.0, M, 8.0]}, [3.0, 3.0, 3.0, 3.0]),
    ("TIME_SERIES(STDDEV(m1))", {"m1": [2.0, 4.0, 4.0, 6.0]},
     [math.sqrt(2), math.sqrt(2), math.sqrt(2), math.sqrt(2)]),
    ("TIME_SERIES(10)", {}, [10.0, 10.0, 10.0, 10.0]),
    # arrays reduce timestamp by timestamp (AVG counting a missing value as 0)
    ("SUM([m1, m2])", GUIDE, [50.0, 20.0, 20.0, 0.0]),
    ("AVG([m1, m2])", GUIDE, [25.0, 10.0, 10.0, 0.0]),
    ("MAX(METRICS())", GUIDE, [30.0, 20.0, 20.0, 0.0]),
    ("MIN(METRICS())", GUIDE, [20.0, 20.0, 0.0, 0.0]),
    ("DATAPOINT_COUNT(METRICS())", GUIDE, [2.0, 1.0, 2.0, 1.0]),
    ("STDDEV([m1, m2])", GUIDE, [5.0, 0.0, 10.0, 0.0]),
    ("SUM(METRICS('2'))", GUIDE, [20.0, M, 20.0, M]),
    ("m1 / METRIC_COUNT(METRICS())", GUIDE, [15.0, 10.0, 0.0, 0.0]),
    ("FIRST(SORT(METRICS(), AVG, DESC))", GUIDE, [20.0, M, 20.0, M]),
    ("LAST(SORT(METRICS(), MAX, DESC))", GUIDE, [20.0, M, 20.0, M]),
    ("FIRST(SLICE(SORT(METRICS(), SUM, ASC), 1))", GUIDE, [30.0, 20.0, 0.0, 0.0]),
    ("SUM(SORT(METRICS(), MIN, ASC, 1))", GUIDE, [30.0, 20.0, 0.0, 0.0]),
    ("METRICS() * 2", GUIDE, [[60.0, 40.0, 0.0, 0.0], [40.0, M, 40.0, M]]),
    ("SUM(-[m1, m2])", GUIDE, [-50.0, -20.0, -20.0, -0.0]),
    ("SUM(100 / [m1, m2])", GUIDE, [8.333333333333334, 5.0, 5.0, M]),
    ("REMOVE_EMPTY([m1, m3])", {"m1": [1.0, M, M, M], "m3": [M, M, M, M]},
     [[1.0, M, M, M]]),
    ("SLICE(METRICS(), 0, 1)", GUIDE, [[30.0, 20.0, 0.0, 0.0]]),
    # non-sparse clock series (UTC; 1970-01-01 was a Thursday)
    ("MINUTE(m1)", {"m1": [M, M, M, M]}, [0.0, 1.0, 2.0, 3.0]),
    ("HOUR(m1) + DAY(m1) * 100 + DATE(m1) * 1000", {"m1": [M, M, M, M]}, [1400.0] * 4),
    ("MONTH(m1) + YEAR(m1)", {"m1": [M, M, M, M]}, [1971.0] * 4),
    ("EPOCH(m1)", {"m1": [M, M, M, M]}, [0.0, 60.0, 120.0, 180.0]),
    # a true condition with no datapoint in the true value gives 0 (the guide's IF rules)
    ("IF(DAY(m1) < 6, m1)", {"m1": [1.0, 2.0, M, 4.0]}, [1.0, 2.0, 0.0, 4.0]),
])
def test_function_values(expression: str, data: dict[str, list[float | None]],
                         expected: Any) -> None:
    periods = len(expected[0]) if expected and isinstance(expected[0], list) else len(expected)
    assert run(expression, data, periods) == expected


def test_anomaly_detection_band_is_upper_then_lower() -> None:
    bands = {"m1": ([5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0])}
    # the fake model scales its band by the width; the default width is 2
    assert run("FIRST(ANOMALY_DETECTION_BAND(m1))", {"m1": [M] * 4}, bands=bands) == [
        10.0, 12.0, 14.0, 16.0]
    assert run("LAST(ANOMALY_DETECTION_BAND(m1, 3))", {"m1": [M] * 4}, bands=bands) == [
        3.0, 6.0, 9.0, 12.0]


@pytest.mark.parametrize("expression, message", [
    ("m1 +", "Error in expression 'm1 +': Unexpected end of expression"),
    ("m1 + (2", "Error in expression 'm1 + (2': Missing ')'"),
    ("m1 $ 2", "Error in expression 'm1 $ 2': Unexpected character at position 4"),
    ("m1 m1", "Error in expression 'm1 m1': Unexpected token 'm1'"),
    ("SUM(m1 m1)", "Error in expression 'SUM(m1 m1)': Expected ',' or ')'"),
    ("NOPE(m1)", "Error in expression 'NOPE(m1)': Unknown function NOPE"),
    ("x1 * 2", "Unknown metric or expression id: x1"),
    ("ABS(m1, m1)",
     "Error in expression 'ABS(m1, m1)': Unsupported operand type(s) for ABS: "
     "'[TimeSeries, TimeSeries]'"),
    ("FIRST(m1)",
     "Error in expression 'FIRST(m1)': Unsupported operand type(s) for FIRST: '[TimeSeries]'"),
    ("SORT(METRICS(), MEDIAN, DESC)",
     "Unknown metric or expression id: MEDIAN"),
    ("ANOMALY_DETECTION_BAND(METRICS(), 2)",
     "Error in expression 'ANOMALY_DETECTION_BAND(METRICS(), 2)': Unsupported operand type(s) "
     "for ANOMALY_DETECTION_BAND: '[Array[TimeSeries], Scalar]'"),
    ("INSIGHT_RULE_METRIC('rule', 'Sum')",
     "Error in expression 'INSIGHT_RULE_METRIC('rule', 'Sum')': Headwater does not support "
     "INSIGHT_RULE_METRIC: it reads Contributor Insights rules, which Headwater does not have"),
    ("SERVICE_QUOTA(m1)",
     "Error in expression 'SERVICE_QUOTA(m1)': Headwater does not support SERVICE_QUOTA: it "
     "reads Service Quotas usage metrics, which Headwater does not have"),
    ("'text'", "Error in expression ''text'': A string is only valid as a function argument"),
])
def test_errors(expression: str, message: str) -> None:
    with pytest.raises(InvalidParameterValueException) as caught:
        run(expression, {"m1": [1.0, 2.0, 3.0, 4.0]})
    assert caught.value.message == message


def test_circular_references_are_refused() -> None:
    queries = [{"Id": "a", "Expression": "b + 1"}, {"Id": "b", "Expression": "a * 2"}]
    values = QuerySet(queries, Scope(0.0, 60.0, 60), lambda stat, scope: TimeSeries(""))
    with pytest.raises(InvalidParameterValueException) as caught:
        values.resolve("a")
    assert caught.value.message == \
        "Metric math expressions contain a circular reference: a"


# -- the parser, by property ------------------------------------------------------------------

_IDS = st.sampled_from(["m1", "m2", "errors", "e_1"])
_LEAVES = st.one_of(st.builds(Number, st.integers(0, 10_000).map(float)),
                    st.builds(Name, _IDS))
_OPS = st.sampled_from(["+", "-", "*", "/", "^", "==", "!=", "<", ">", "<=", ">=", "AND", "OR"])


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Binary, _OPS, children, children),
        st.builds(Unary, st.just("-"), children),
        st.builds(Call, st.sampled_from(["SUM", "ABS", "FILL", "IF"]),
                  st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Array, st.lists(children, min_size=1, max_size=3).map(tuple)),
    )


TREES = st.recursive(_LEAVES, _trees, max_leaves=12)


def show(node: Node) -> str:
    """A fully parenthesised rendering of a tree."""
    if isinstance(node, Number):
        return repr(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Unary):
        return f"(-{show(node.operand)})"
    if isinstance(node, Binary):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    if isinstance(node, Call):
        return f"{node.function}({', '.join(show(a) for a in node.args)})"
    assert isinstance(node, Array)
    return f"[{', '.join(show(a) for a in node.items)}]"


@given(TREES)
def test_printed_trees_parse_back(tree: Node) -> None:
    assert parse(show(tree)) == tree


@given(st.text(alphabet="m12 +-*/^()[],<>=!&|ANDORSUM'\"x.", max_size=40))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse(text)
    except ExpressionError as error:
        assert str(error)


@pytest.mark.parametrize("text, tree", [
    ("1 + 2 * 3", Binary("+", Number(1.0), Binary("*", Number(2.0), Number(3.0)))),
    ("2 ^ 3 ^ 2", Binary("^", Number(2.0), Binary("^", Number(3.0), Number(2.0)))),
    ("-2 ^ 2", Unary("-", Binary("^", Number(2.0), Number(2.0)))),
    ("a > 1 AND b < 2 OR c", Binary("OR", Binary("AND", Binary(">", Name("a"), Number(1.0)),
                                                 Binary("<", Name("b"), Number(2.0))),
                                    Name("c"))),
    ("m1 + 1 > m2", Binary(">", Binary("+", Name("m1"), Number(1.0)), Name("m2"))),
])
def test_precedence(text: str, tree: Node) -> None:
    assert parse(text) == tree
