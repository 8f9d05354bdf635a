"""Alarm evaluation on a real server, driven by the virtual clock: the User Guide's table for
missing data ("Configuring how CloudWatch alarms treat missing data": 3 of 3 over a 5-period
evaluation range, each TreatMissingData), M out of N, and the StateReason AWS writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from alarms_support import alarm, align, put_alarm, put_pattern, sweep, wait_state
from server_support import Clock

# (datapoints oldest first, {TreatMissingData: state}); "keep" is the state before, which the
# test sets to OK so that "Retain current state" shows.
GUIDE = [
    ("0 - X - X", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    ("- - - - 0", {"missing": "OK", "ignore": "OK", "breaching": "OK", "notBreaching": "OK"}),
    ("- - - - -", {"missing": "INSUFFICIENT_DATA", "ignore": "keep", "breaching": "ALARM",
                   "notBreaching": "OK"}),
    ("0 X X - X", {"missing": "ALARM", "ignore": "ALARM", "breaching": "ALARM",
                   "notBreaching": "ALARM"}),
    ("- - X - -", {"missing": "ALARM", "ignore": "keep", "breaching": "ALARM",
                   "notBreaching": "OK"}),
]
# (datapoints, DatapointsToAlarm, EvaluationPeriods, state) with missing data notBreaching
M_OF_N = [
    ("- - X 0 X", 2, 3, "ALARM"),
    ("- - X 0 0", 2, 3, "OK"),
    ("X X 0 0 X", 2, 3, "OK"),
    ("- 0 X X X", 3, 4, "ALARM"),
    ("X 0 X 0 X", 3, 5, "ALARM"),
    ("X 0 X 0 0", 3, 5, "OK"),
]


def test_missing_data_treatment_table(cloudwatch: Any, clock: Clock,
                                      unique: Callable[[str], str]) -> None:
    prefix = unique("guide")
    end = align(clock)
    expected: dict[str, str] = {}
    for row, (pattern, states) in enumerate(GUIDE):
        for treat, state in states.items():
            name = f"{prefix}-{row}-{treat}"
            put_pattern(cloudwatch, name, pattern, end)
            put_alarm(cloudwatch, name, name, EvaluationPeriods=3, DatapointsToAlarm=3,
                      TreatMissingData=treat)
            expected[name] = "OK" if state == "keep" else state
    for name in expected:
        if name.endswith("-ignore"):
            cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="before")
    sweep(cloudwatch, clock, prefix)
    assert {name: alarm(cloudwatch, name)["StateValue"] for name in expected} == expected


def test_m_out_of_n(cloudwatch: Any, clock: Clock, unique: Callable[[str], str]) -> None:
    prefix = unique("mofn")
    end = align(clock)
    expected: dict[str, str] = {}
    for row, (pattern, m, n, state) in enumerate(M_OF_N):
        name = f"{prefix}-{row}"
        put_pattern(cloudwatch, name, pattern, end)
        put_alarm(cloudwatch, name, name, EvaluationPeriods=n, DatapointsToAlarm=m,
                  TreatMissingData="notBreaching")
        expected[name] = state
    sweep(cloudwatch, clock, prefix)
    assert {name: alarm(cloudwatch, name)["StateValue"] for name in expected} == expected


def test_reason_and_reason_data(cloudwatch: Any, clock: Clock,
                                unique: Callable[[str], str]) -> None:
    name = unique("reason")
    end = align(clock)
    put_pattern(cloudwatch, name, "0 X", end)
    put_alarm(cloudwatch, name, name, EvaluationPeriods=2, DatapointsToAlarm=1)
    found = wait_state(cloudwatch, name, "ALARM")

    def stamp(moment: float) -> str:
        return datetime.fromtimestamp(moment, UTC).strftime("%d/%m/%y %H:%M:%S")
    assert found["StateReason"] == (
        f"Threshold Crossed: 1 out of the last 2 datapoints [5.0 ({stamp(end - 60)}), 0.0 "
        f"({stamp(end - 120)})] was greater than the threshold (1.0) (minimum 1 datapoint for "
        "OK -> ALARM transition).")
    data = json.loads(found["StateReasonData"])
    assert data["recentDatapoints"] == [0.0, 5.0] and data["threshold"] == 1.0
    assert data["statistic"] == "Maximum" and data["period"] == 60
    history = cloudwatch.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate")
    assert history["AlarmHistoryItems"][0]["HistorySummary"] == \
        "Alarm updated from INSUFFICIENT_DATA to ALARM"


def test_alarm_follows_the_clock(cloudwatch: Any, clock: Clock,
                                 unique: Callable[[str], str]) -> None:
    """A breaching minute fires the alarm. Later minutes without data clear it only once that
    datapoint has left the evaluation range (EvaluationPeriods + 2 periods here): until then it
    is the most recent real datapoint, and real datapoints win over missing ones."""
    name = unique("follow")
    end = align(clock)
    put_alarm(cloudwatch, name, name, TreatMissingData="notBreaching")
    wait_state(cloudwatch, name, "OK")
    cloudwatch.put_metric_data(Namespace=name, MetricData=[
        {"MetricName": "M", "Value": 9.0, "Timestamp": end + 5}])
    clock.advance(60)
    wait_state(cloudwatch, name, "ALARM")
    clock.advance(60 * 2)
    sweep(cloudwatch, clock, name)
    assert alarm(cloudwatch, name)["StateValue"] == "ALARM"
    clock.advance(60)
    cleared = wait_state(cloudwatch, name, "OK")
    assert cleared["StateReason"] == (
        "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint "
        "was treated as [NonBreaching].")


def test_metric_math_alarm(cloudwatch: Any, clock: Clock, unique: Callable[[str], str]) -> None:
    name = unique("math")
    end = align(clock)
    cloudwatch.put_metric_data(Namespace=name, MetricData=[
        {"MetricName": "Errors", "Value": 3.0, "Timestamp": end - 55},
        {"MetricName": "Requests", "Value": 10.0, "Timestamp": end - 55}])

    def stat(metric: str) -> dict[str, Any]:
        return {"Metric": {"Namespace": name, "MetricName": metric}, "Period": 60,
                "Stat": "Sum"}
    cloudwatch.put_metric_alarm(
        AlarmName=name, EvaluationPeriods=1, Threshold=25.0,
        ComparisonOperator="GreaterThanThreshold", Metrics=[
            {"Id": "e", "MetricStat": stat("Errors"), "ReturnData": False},
            {"Id": "r", "MetricStat": stat("Requests"), "ReturnData": False},
            {"Id": "rate", "Expression": "100 * e / r", "Label": "Error rate"}])
    found = wait_state(cloudwatch, name, "ALARM")
    assert "[30.0 (" in found["StateReason"]


def test_dynamodb_metrics_always_ignore_missing_data(cloudwatch: Any, clock: Clock,
                                                     unique: Callable[[str], str]) -> None:
    """PutMetricAlarm API reference: alarms on AWS/DynamoDB metrics ignore missing data even
    when TreatMissingData says otherwise."""
    name = unique("ddb")
    put_alarm(cloudwatch, name, "AWS/DynamoDB", MetricName="ThrottledRequests",
              Dimensions=[{"Name": "TableName", "Value": name}], TreatMissingData="breaching")
    sweep(cloudwatch, clock, name)
    assert alarm(cloudwatch, name)["StateValue"] == "INSUFFICIENT_DATA"
