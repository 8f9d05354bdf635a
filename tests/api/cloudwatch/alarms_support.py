"""Helpers for alarm tests: aligning the virtual clock to a period, writing datapoints into
past periods, creating alarms and waiting for the evaluator."""

from __future__ import annotations

import uuid
from typing import Any

from server_support import Clock, wait_for

PERIOD = 60


def align(clock: Clock) -> float:
    """Move the clock to 1 s past a minute boundary; returns that boundary (the end of the last
    complete period)."""
    now = clock.now()
    boundary = (now // PERIOD + 1) * PERIOD
    clock.advance(boundary + 1 - now)
    return boundary


def put_pattern(cloudwatch: Any, namespace: str, pattern: str, end: float) -> None:
    """Datapoints for the periods before `end`, oldest first: 0 is 0.0 (under the threshold
    1.0), X is 5.0, - is none."""
    marks = pattern.split()
    data = [{"MetricName": "M", "Value": 5.0 if mark == "X" else 0.0,
             "Timestamp": end - (len(marks) - i) * PERIOD + 5}
            for i, mark in enumerate(marks) if mark != "-"]
    if data:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data)


def put_alarm(cloudwatch: Any, name: str, namespace: str, **overrides: Any) -> None:
    request: dict[str, Any] = {
        "AlarmName": name, "Namespace": namespace, "MetricName": "M", "Statistic": "Maximum",
        "Period": PERIOD, "EvaluationPeriods": 1, "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanThreshold", **overrides}
    cloudwatch.put_metric_alarm(**request)


def alarm(cloudwatch: Any, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = cloudwatch.describe_alarms(
        AlarmNames=[name], AlarmTypes=["MetricAlarm", "CompositeAlarm"])["MetricAlarms"]
    return found[0] if found else cloudwatch.describe_alarms(
        AlarmNames=[name], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]


def wait_state(cloudwatch: Any, name: str, state: str, timeout: float = 10.0) -> dict[str, Any]:
    """The alarm once the evaluator has put it in `state`."""
    return dict(wait_for(lambda: (found := alarm(cloudwatch, name))["StateValue"] == state
                         and found, timeout))


def sweep(cloudwatch: Any, clock: Clock, namespace: str) -> None:
    """Advance the clock 10 s and wait until the evaluator has swept every alarm: a sentinel
    alarm on a metric with no data, treating it as breaching, goes to ALARM in that sweep."""
    name = f"{namespace}-sentinel-{uuid.uuid4().hex[:8]}"
    put_alarm(cloudwatch, name, f"{namespace}-none", TreatMissingData="breaching")
    clock.advance(10)
    wait_state(cloudwatch, name, "ALARM")
