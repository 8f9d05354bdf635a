"""Anomaly detection (user guide "Using CloudWatch anomaly detection"): PutAnomalyDetector,
DescribeAnomalyDetectors, DeleteAnomalyDetector, the ANOMALY_DETECTION_BAND of GetMetricData
(Headwater's model: mean +/- N population standard deviations of the two weeks before each
period, docs/cloudwatch-metric-math.md) and anomaly detection alarms (ThresholdMetricId)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alarms_support import align, sweep, wait_state
from server_support import Clock, Server, expect_error, start_server

TRAINING = [10.0, 12.0] * 5  # mean 11, population standard deviation 1


def _detector(ns: str, **extra: Any) -> dict[str, Any]:
    return {"SingleMetricAnomalyDetector": {"Namespace": ns, "MetricName": "Latency",
                                            "Stat": "Average", **extra}}


def _train(cloudwatch: Any, ns: str, end: float, values: list[float]) -> None:
    """One datapoint a minute, the last in the minute before `end`."""
    cloudwatch.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Value": v, "Timestamp": end - 60 * (len(values) - i) + 5}
        for i, v in enumerate(values)])


def _band_query(ns: str, width: str = "") -> list[dict[str, Any]]:
    return [{"Id": "m1", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": ns, "MetricName": "Latency"}, "Period": 60,
                "Stat": "Average"}},
            {"Id": "ad1", "Expression": f"ANOMALY_DETECTION_BAND(m1{width})"}]


def test_put_describe_delete(cloudwatch: Any, clock: Clock,
                             unique: Callable[[str], str]) -> None:
    ns = unique("Anom")
    cloudwatch.put_anomaly_detector(**_detector(ns), Configuration={
        "ExcludedTimeRanges": [{"StartTime": 1000, "EndTime": 2000}]})
    [found] = cloudwatch.describe_anomaly_detectors(Namespace=ns)["AnomalyDetectors"]
    assert found["SingleMetricAnomalyDetector"] == {
        "Namespace": ns, "MetricName": "Latency", "Dimensions": [], "Stat": "Average"}
    assert found["StateValue"] == "PENDING_TRAINING"
    assert [(r["StartTime"].timestamp(), r["EndTime"].timestamp())
            for r in found["Configuration"]["ExcludedTimeRanges"]] == [(1000, 2000)]
    end = align(clock)
    _train(cloudwatch, ns, end, [1.0, 2.0])
    [found] = cloudwatch.describe_anomaly_detectors(Namespace=ns)["AnomalyDetectors"]
    assert found["StateValue"] == "TRAINED_INSUFFICIENT_DATA"
    _train(cloudwatch, ns, end - 120, [1.0, 2.0, 3.0])
    [found] = cloudwatch.describe_anomaly_detectors(Namespace=ns)["AnomalyDetectors"]
    assert found["StateValue"] == "TRAINED"
    cloudwatch.delete_anomaly_detector(**_detector(ns))
    assert cloudwatch.describe_anomaly_detectors(Namespace=ns)["AnomalyDetectors"] == []
    expect_error(lambda: cloudwatch.delete_anomaly_detector(**_detector(ns)),
                 "ResourceNotFoundException", "No anomaly detector found for the given metric and stat.",
                 404)


def test_detector_errors(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    ns = unique("Anom")
    expect_error(lambda: cloudwatch.put_anomaly_detector(
        SingleMetricAnomalyDetector={"Namespace": ns, "MetricName": "Latency"}),
        "MissingParameter", "The parameter SingleMetricAnomalyDetector.Stat is required.")
    expect_error(lambda: cloudwatch.put_anomaly_detector(
        **_detector(ns), Namespace=ns, MetricName="Latency", Stat="Average"),
        "InvalidParameterCombination")
    expect_error(lambda: cloudwatch.put_anomaly_detector(MetricMathAnomalyDetector={
        "MetricDataQueries": _band_query(ns)[:1]}), "InvalidParameterValue",
        "Headwater supports single-metric anomaly detectors only; MetricMathAnomalyDetector "
        "is not supported.")


def test_band_in_get_metric_data(cloudwatch: Any, clock: Clock,
                                 unique: Callable[[str], str]) -> None:
    ns = unique("Anom")
    end = align(clock)
    _train(cloudwatch, ns, end, [*TRAINING, 30.0])
    start = end - 120
    # no detector yet: no band
    results = cloudwatch.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
        *_band_query(ns)], ScanBy="TimestampAscending")["MetricDataResults"]
    assert [r["Values"] for r in results if r["Id"] == "ad1"] == [[], []]
    cloudwatch.put_anomaly_detector(**_detector(ns))
    results = cloudwatch.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
        *_band_query(ns, ", 3")], ScanBy="TimestampAscending")["MetricDataResults"]
    upper, lower = [r for r in results if r["Id"] == "ad1"]
    assert [t.timestamp() for t in upper["Timestamps"]] == [start, start + 60]
    # at `start` the model has 9 training datapoints, at start + 60 all ten (11 +/- 3)
    nine = TRAINING[:9]
    assert upper["Values"] == pytest.approx(
        [statistics.mean(nine) + 3 * statistics.pstdev(nine), 14.0])
    assert lower["Values"] == pytest.approx(
        [statistics.mean(nine) - 3 * statistics.pstdev(nine), 8.0])


def test_anomaly_alarm(cloudwatch: Any, clock: Clock, unique: Callable[[str], str]) -> None:
    ns = unique("Anom")
    end = align(clock)
    _train(cloudwatch, ns, end, [*TRAINING, 30.0])
    name = f"{ns}-high"
    cloudwatch.put_metric_alarm(
        AlarmName=name, EvaluationPeriods=1, ThresholdMetricId="ad1",
        ComparisonOperator="GreaterThanUpperThreshold", Metrics=[
            *_band_query(ns, ", 2")[:1], {**_band_query(ns, ", 2")[1], "ReturnData": True}])
    assert [d["SingleMetricAnomalyDetector"]["Stat"] for d in
            cloudwatch.describe_anomaly_detectors(Namespace=ns)["AnomalyDetectors"]] == [
        "Average"]
    sweep(cloudwatch, clock, ns)
    found = wait_state(cloudwatch, name, "ALARM")
    assert found["ThresholdMetricId"] == "ad1"
    assert found["StateReason"].startswith(
        "Thresholds Crossed: 1 out of the last 1 datapoints [30.0 (")
    assert found["StateReason"].endswith(
        "was greater than the upper thresholds [13.0] (minimum 1 datapoint for OK -> ALARM "
        "transition).")


def test_anomaly_alarm_errors(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    ns = unique("Anom")
    queries = _band_query(ns)
    expect_error(lambda: cloudwatch.put_metric_alarm(
        AlarmName=ns, EvaluationPeriods=1, Threshold=1.0,
        ComparisonOperator="LessThanLowerThreshold", ThresholdMetricId="ad1", Metrics=queries),
        "InvalidParameterCombination")
    expect_error(lambda: cloudwatch.put_metric_alarm(
        AlarmName=ns, EvaluationPeriods=1, ComparisonOperator="LessThanLowerThreshold",
        ThresholdMetricId="m1", Metrics=queries),
        "InvalidParameterValue",
        "ThresholdMetricId m1 must name an ANOMALY_DETECTION_BAND expression in Metrics.")
    expect_error(lambda: cloudwatch.put_metric_alarm(
        AlarmName=ns, EvaluationPeriods=1, Threshold=1.0, ThresholdMetricId="ad1",
        ComparisonOperator="GreaterThanThreshold", Metrics=queries),
        "InvalidParameterCombination")


def test_detectors_survive_a_restart(servers: list[Server], tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    servers.append(first)
    first.client("cloudwatch").put_anomaly_detector(**_detector("Kept"))
    first.stop()
    second = start_server("--data-dir", str(tmp_path))
    servers.append(second)
    found = second.client("cloudwatch").describe_anomaly_detectors()["AnomalyDetectors"]
    assert [d["SingleMetricAnomalyDetector"]["Namespace"] for d in found] == ["Kept"]
