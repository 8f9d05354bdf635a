"""PutMetricData: users' own metrics as values, Values/Counts and statistic sets, read back
through GetMetricStatistics (with percentiles and trimmed means) and GetMetricData; AWS/
namespaces are reserved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server_support import Clock, expect_error


def test_values_counts_and_sets(cloudwatch: Any, unique: Callable[[str], str],
                                stats: Callable[..., dict[str, Any]]) -> None:
    ns = unique("App")
    dims = [{"Name": "Host", "Value": "a"}]
    cloudwatch.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Value": 10.0, "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dims, "Values": [1.0, 100.0], "Counts": [98, 1],
         "Unit": "Milliseconds"},
        {"MetricName": "Jobs", "StatisticValues": {"SampleCount": 5, "Sum": 15, "Minimum": 1,
                                                   "Maximum": 5}, "Unit": "Count"},
    ])
    latency = stats(ns, "Latency", {"Host": "a"}, extended=("p50", "p99", "p100", "tm99"))
    assert latency["SampleCount"] == 100 and latency["Sum"] == 10 + 98 + 100
    assert (latency["Minimum"], latency["Maximum"]) == (1.0, 100.0)
    assert latency["p50"] == 1.0 and latency["p99"] == 10.0 and latency["p100"] == 100.0
    assert latency["tm99"] == (98 + 10) / 99
    assert latency["Unit"] == "Milliseconds"
    jobs = stats(ns, "Jobs", {})
    assert (jobs["SampleCount"], jobs["Sum"], jobs["Minimum"], jobs["Maximum"]) == (5, 15, 1, 5)


def test_high_resolution_and_metric_data(cloudwatch: Any, clock: Clock,
                                         unique: Callable[[str], str]) -> None:
    ns = unique("App")
    now = int(clock.now())
    cloudwatch.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Hits", "Value": v, "Timestamp": now - 30 + i, "StorageResolution": 1}
        for i, v in enumerate((1.0, 2.0, 3.0))])
    answer = cloudwatch.get_metric_data(StartTime=now - 30, EndTime=now, ScanBy="TimestampAscending",
                                        MetricDataQueries=[{"Id": "h", "MetricStat": {
                                            "Metric": {"Namespace": ns, "MetricName": "Hits"},
                                            "Period": 1, "Stat": "Sum"}}])
    result = answer["MetricDataResults"][0]
    assert result["Values"] == [1.0, 2.0, 3.0]
    assert [t.timestamp() for t in result["Timestamps"]] == [now - 30, now - 29, now - 28]


def test_reserved_namespace_and_period_rules(cloudwatch: Any, clock: Clock) -> None:
    expect_error(lambda: cloudwatch.put_metric_data(
        Namespace="AWS/DynamoDB", MetricData=[{"MetricName": "X", "Value": 1}]),
        "InvalidParameterValue", "The value AWS/DynamoDB for parameter Namespace is invalid.")
    now = clock.now()
    expect_error(lambda: cloudwatch.get_metric_statistics(
        Namespace="N", MetricName="M", StartTime=now - 600, EndTime=now, Period=45,
        Statistics=["Sum"]), "InvalidParameterValue",
        "The parameter Period must be a multiple of 60.")
