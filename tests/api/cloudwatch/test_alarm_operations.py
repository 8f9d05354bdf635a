"""The alarm operations' filters, paging, tags and errors: DescribeAlarms,
DescribeAlarmsForMetric, DescribeAlarmHistory, PutCompositeAlarm, DeleteAlarms, SetAlarmState,
TagResource / UntagResource / ListTagsForResource, PutMetricAlarm validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alarms_support import put_alarm
from server_support import expect_error

ARN = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:"


def test_describe_alarms_filters(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    prefix = unique("filters")
    for i in range(3):
        put_alarm(cloudwatch, f"{prefix}-{i}", prefix, AlarmActions=[f"arn:aws:sns:x:{i}"])
    cloudwatch.set_alarm_state(AlarmName=f"{prefix}-1", StateValue="ALARM", StateReason="r")
    cloudwatch.put_composite_alarm(AlarmName=f"{prefix}-c",
                                   AlarmRule=f'ALARM("{prefix}-1") OR ALARM("{prefix}-2")')
    names = [a["AlarmName"] for a in
             cloudwatch.describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]]
    assert names == [f"{prefix}-0", f"{prefix}-1", f"{prefix}-2"]
    both = cloudwatch.describe_alarms(AlarmNamePrefix=prefix,
                                      AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    [composite] = both["CompositeAlarms"]
    assert composite["StateValue"] == "ALARM"
    assert composite["StateReason"].startswith("Composite alarm rule evaluated to TRUE")
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms(
        AlarmNamePrefix=prefix, StateValue="ALARM")["MetricAlarms"]] == [f"{prefix}-1"]
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms(
        AlarmNamePrefix=prefix, ActionPrefix="arn:aws:sns:x:2")["MetricAlarms"]] == \
        [f"{prefix}-2"]
    children = cloudwatch.describe_alarms(ChildrenOfAlarmName=f"{prefix}-c")["MetricAlarms"]
    assert [a["AlarmName"] for a in children] == [f"{prefix}-1", f"{prefix}-2"]
    parents = cloudwatch.describe_alarms(ParentsOfAlarmName=f"{prefix}-1")["CompositeAlarms"]
    assert [a["AlarmName"] for a in parents] == [f"{prefix}-c"]
    first = cloudwatch.describe_alarms(AlarmNamePrefix=prefix, MaxRecords=2)
    assert len(first["MetricAlarms"]) == 2
    rest = cloudwatch.describe_alarms(AlarmNamePrefix=prefix, MaxRecords=2,
                                      NextToken=first["NextToken"])
    assert [a["AlarmName"] for a in rest["MetricAlarms"]] == [f"{prefix}-2"]
    assert "NextToken" not in rest
    cloudwatch.set_alarm_state(AlarmName=f"{prefix}-1", StateValue="OK", StateReason="r")
    assert cloudwatch.describe_alarms(AlarmNames=[f"{prefix}-c"], AlarmTypes=[
        "CompositeAlarm"])["CompositeAlarms"][0]["StateValue"] == "OK"


def test_describe_alarms_for_metric(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    ns = unique("for-metric")
    dims = [{"Name": "Host", "Value": "a"}]
    put_alarm(cloudwatch, f"{ns}-max", ns, Dimensions=dims)
    put_alarm(cloudwatch, f"{ns}-sum", ns, Dimensions=dims, Statistic="Sum")
    put_alarm(cloudwatch, f"{ns}-other", ns)

    def names(**kwargs: Any) -> list[str]:
        return [a["AlarmName"] for a in cloudwatch.describe_alarms_for_metric(
            Namespace=ns, MetricName="M", **kwargs)["MetricAlarms"]]
    assert names() == [f"{ns}-max", f"{ns}-other", f"{ns}-sum"]
    assert names(Dimensions=dims) == [f"{ns}-max", f"{ns}-sum"]
    assert names(Dimensions=dims, Statistic="Sum") == [f"{ns}-sum"]
    assert names(Period=300) == []


def test_history_delete_and_update(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    name = unique("history")
    put_alarm(cloudwatch, name, name)
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="one")
    put_alarm(cloudwatch, name, name, Threshold=7.0)
    [updated] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert (updated["Threshold"], updated["StateValue"]) == (7.0, "ALARM")
    items = cloudwatch.describe_alarm_history(AlarmName=name)["AlarmHistoryItems"]
    assert [i["HistorySummary"] for i in items] == [
        f'Alarm "{name}" updated', "Alarm updated from INSUFFICIENT_DATA to ALARM",
        f'Alarm "{name}" created']
    oldest = cloudwatch.describe_alarm_history(AlarmName=name, ScanBy="TimestampAscending",
                                               MaxRecords=1)
    assert oldest["AlarmHistoryItems"][0]["HistoryItemType"] == "ConfigurationUpdate"
    assert "NextToken" in oldest
    cloudwatch.delete_alarms(AlarmNames=[name, unique("never-was")])
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
    assert cloudwatch.describe_alarm_history(AlarmName=name)["AlarmHistoryItems"] == []


def test_tags(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    name = unique("tags")
    put_alarm(cloudwatch, name, name, Tags=[{"Key": "team", "Value": "a"}])
    cloudwatch.tag_resource(ResourceARN=ARN + name, Tags=[{"Key": "env", "Value": "dev"}])
    cloudwatch.untag_resource(ResourceARN=ARN + name, TagKeys=["team"])
    assert cloudwatch.list_tags_for_resource(ResourceARN=ARN + name)["Tags"] == [
        {"Key": "env", "Value": "dev"}]
    expect_error(cloudwatch.list_tags_for_resource, "ResourceNotFoundException", status=404,
                 ResourceARN=ARN + unique("none"))


def test_errors(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    expect_error(cloudwatch.set_alarm_state, "ResourceNotFound", "Unknown", 404,
                 AlarmName=unique("none"), StateValue="OK", StateReason="x")
    name = unique("errors")
    put_alarm(cloudwatch, name, name)
    expect_error(cloudwatch.set_alarm_state, "InvalidFormat", status=400, AlarmName=name,
                 StateValue="OK", StateReason="x", StateReasonData="{not json")
    expect_error(cloudwatch.put_metric_alarm, "InvalidParameterValue", AlarmName=name,
                 Namespace="N", MetricName="M", Statistic="Sum", Period=60,
                 EvaluationPeriods=2, DatapointsToAlarm=3, Threshold=1.0,
                 ComparisonOperator="GreaterThanThreshold")
    expect_error(cloudwatch.put_metric_alarm, "InvalidParameterCombination", AlarmName=name,
                 Namespace="N", MetricName="M", Period=60, EvaluationPeriods=1, Threshold=1.0,
                 ComparisonOperator="GreaterThanThreshold")
    expect_error(cloudwatch.put_composite_alarm, "InvalidParameterValue", AlarmName=name,
                 AlarmRule="ALARM(a) XOR ALARM(b)")
    expect_error(cloudwatch.put_composite_alarm, "InvalidParameterValue", AlarmName="self",
                 AlarmRule="NOT ALARM(self)")


def test_composite_cycle_settles(cloudwatch: Any, unique: Callable[[str], str]) -> None:
    """Two composites that negate each other flip back and forth a bounded number of times
    instead of looping (AWS refuses such cycles; Headwater stops after ten passes)."""
    a, b = unique("cycle-a"), unique("cycle-b")
    cloudwatch.put_composite_alarm(AlarmName=a, AlarmRule=f"NOT ALARM({b})")
    cloudwatch.put_composite_alarm(AlarmName=b, AlarmRule=f"NOT ALARM({a})")
    states = cloudwatch.describe_alarms(AlarmNames=[a, b], AlarmTypes=["CompositeAlarm"])
    assert {x["StateValue"] for x in states["CompositeAlarms"]} <= {"OK", "ALARM"}
