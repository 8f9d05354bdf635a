"""GetMetricData metric math (user guide "Using metric math") and SEARCH ("CloudWatch search
expression syntax") over users' metrics at known timestamps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from server_support import Clock, expect_error


@pytest.fixture
def metrics(cloudwatch: Any, clock: Clock, unique: Callable[[str], str]) -> tuple[str, int]:
    """Namespace with Requests/Errors for hosts a and b, three minutes each."""
    ns = unique("Math")
    base = int(clock.now()) // 60 * 60 - 600
    data = []
    for minute in range(3):
        for host, requests, errors in (("a", 10, 1), ("b", 30, 3)):
            dims = [{"Name": "Host", "Value": host}]
            moment = base + 60 * minute
            data.append({"MetricName": "Requests", "Dimensions": dims, "Timestamp": moment,
                         "Value": requests * (minute + 1)})
            data.append({"MetricName": "Errors", "Dimensions": dims, "Timestamp": moment,
                         "Value": errors * (minute + 1)})
    cloudwatch.put_metric_data(Namespace=ns, MetricData=data)
    return ns, base


def _stat(ns: str, name: str, host: str, qid: str, show: bool = False) -> dict[str, Any]:
    return {"Id": qid, "ReturnData": show, "MetricStat": {
        "Metric": {"Namespace": ns, "MetricName": name,
                   "Dimensions": [{"Name": "Host", "Value": host}]},
        "Period": 60, "Stat": "Sum"}}


def _data(cloudwatch: Any, base: int, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = cloudwatch.get_metric_data(StartTime=base, EndTime=base + 180,
                                        ScanBy="TimestampAscending", MetricDataQueries=queries)
    return answer["MetricDataResults"]


def test_arithmetic_between_series(cloudwatch: Any, metrics: tuple[str, int]) -> None:
    ns, base = metrics
    [rate] = _data(cloudwatch, base, [
        _stat(ns, "Errors", "a", "e"), _stat(ns, "Requests", "a", "r"),
        {"Id": "rate", "Expression": "100 * e / r", "Label": "Error rate"}])
    assert rate["Label"] == "Error rate"
    assert rate["Values"] == [10.0, 10.0, 10.0]
    assert [t.timestamp() for t in rate["Timestamps"]] == [base, base + 60, base + 120]


def test_functions_over_arrays_and_single_series(cloudwatch: Any,
                                                 metrics: tuple[str, int]) -> None:
    ns, base = metrics
    results = _data(cloudwatch, base, [
        _stat(ns, "Requests", "a", "ra"), _stat(ns, "Requests", "b", "rb"),
        {"Id": "total", "Expression": "SUM(METRICS())"},
        {"Id": "peak", "Expression": "MAX(METRICS('r'))"},
        {"Id": "scaled", "Expression": "ra / AVG(ra)"},
        {"Id": "change", "Expression": "DIFF(rb)"}])
    by_id = {r["Id"]: r["Values"] for r in results}
    assert by_id["total"] == [40.0, 80.0, 120.0]
    assert by_id["peak"] == [30.0, 60.0, 90.0]
    assert by_id["scaled"] == [0.5, 1.0, 1.5]
    assert by_id["change"] == [30.0, 30.0]


def test_search(cloudwatch: Any, metrics: tuple[str, int]) -> None:
    ns, base = metrics
    results = _data(cloudwatch, base, [
        {"Id": "s", "Expression": f"SEARCH('{{{ns},Host}} MetricName=\"Errors\"', 'Sum', 60)"},
    ])
    assert sorted((r["Id"], r["Label"], tuple(r["Values"])) for r in results) == [
        ("s", "Errors a", (1.0, 2.0, 3.0)), ("s", "Errors b", (3.0, 6.0, 9.0))]
    [total] = _data(cloudwatch, base, [
        {"Id": "t", "Expression":
         f"SUM(SEARCH('{{{ns},Host}} MetricName=\"Requests\"', 'Sum', 60))"}])
    assert total["Values"] == [40.0, 80.0, 120.0]


def test_bad_expressions(cloudwatch: Any, metrics: tuple[str, int]) -> None:
    ns, base = metrics
    expect_error(lambda: _data(cloudwatch, base, [{"Id": "x", "Expression": "nothere * 2"}]),
                 "InvalidParameterValue", "Unknown metric or expression id: nothere")
    expect_error(lambda: _data(cloudwatch, base, [
        _stat(ns, "Errors", "a", "e"), {"Id": "x", "Expression": "e +"}]),
        "InvalidParameterValue", "Error in expression 'e +': Unexpected end of expression")


def test_comparisons_if_fill_and_sort(cloudwatch: Any, clock: Clock,
                                      unique: Callable[[str], str]) -> None:
    """The guide's alignment and function rules through the API: a series with a gap."""
    ns = unique("Gaps")
    base = int(clock.now()) // 60 * 60 - 600
    cloudwatch.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "G", "Timestamp": base + 60 * i, "Value": v}
        for i, v in ((0, 4.0), (2, 10.0))])
    stat = {"Id": "g", "ReturnData": False, "MetricStat": {
        "Metric": {"Namespace": ns, "MetricName": "G"}, "Period": 60, "Stat": "Sum"}}
    results = _data(cloudwatch, base, [
        stat,
        {"Id": "repeat", "Expression": "FILL(g, REPEAT)"},
        {"Id": "linear", "Expression": "FILL(g, LINEAR)"},
        {"Id": "big", "Expression": "IF(g > 5, 1, 0)"},
        {"Id": "sum", "Expression": "g + TIME_SERIES(1)"},
        {"Id": "top", "Expression": "FIRST(SORT([g, g * 2], MAX, DESC))"}])
    by_id = {r["Id"]: r["Values"] for r in results}
    assert by_id == {"repeat": [4.0, 4.0, 10.0], "linear": [4.0, 7.0, 10.0],
                     "big": [0.0, 1.0], "sum": [5.0, 1.0, 11.0], "top": [8.0, 20.0]}


def test_refused_and_mistyped_functions(cloudwatch: Any, metrics: tuple[str, int]) -> None:
    ns, base = metrics
    expect_error(lambda: _data(cloudwatch, base, [
        {"Id": "x", "Expression": "INSIGHT_RULE_METRIC('rule', 'UniqueContributors')"}]),
        "InvalidParameterValue",
        "Error in expression 'INSIGHT_RULE_METRIC('rule', 'UniqueContributors')': Headwater "
        "does not support INSIGHT_RULE_METRIC: it reads Contributor Insights rules, which "
        "Headwater does not have")
    expect_error(lambda: _data(cloudwatch, base, [
        _stat(ns, "Errors", "a", "e"), {"Id": "x", "Expression": "LAST(e)"}]),
        "InvalidParameterValue",
        "Error in expression 'LAST(e)': Unsupported operand type(s) for LAST: '[TimeSeries]'")
