"""What an alarm's state change sends: the SNS notification JSON CloudWatch publishes to an SNS
action (its subject `ALARM: "name" in US East (N. Virginia)`), and the event a Lambda action is
invoked with (CloudWatch User Guide, "Using Amazon CloudWatch alarms": Lambda alarm actions).
Shapes as AWS sends them: Trigger.Dimensions as {value, name}, Statistic upper snake case, Unit
null when unset, TreatMissingData as "- TreatMissingData:                    missing"."""

from __future__ import annotations

import re
from typing import Any

from headwater.cloudwatch.alarms.evaluation import iso
from headwater.cloudwatch.alarms.store import Alarm

REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)", "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)", "eu-north-1": "EU (Stockholm)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)", "ap-south-1": "Asia Pacific (Mumbai)",
    "sa-east-1": "South America (Sao Paulo)", "ca-central-1": "Canada (Central)",
}


def subject(alarm: Alarm, region: str) -> str:
    return f'{alarm["StateValue"]}: "{alarm["AlarmName"]}" in {_region(region)}'


def sns_message(alarm: Alarm, account: str, region: str, old_state: str, period: int
                ) -> dict[str, Any]:
    """The notification; `period` is the alarm's evaluation period (a metric math alarm has
    no Period member of its own)."""
    message: dict[str, Any] = {
        "AlarmName": alarm["AlarmName"],
        "AlarmDescription": alarm.get("AlarmDescription"),
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": iso(alarm["AlarmConfigurationUpdatedTimestamp"]),
        "NewStateValue": alarm["StateValue"],
        "NewStateReason": alarm["StateReason"],
        "StateChangeTime": iso(alarm["StateUpdatedTimestamp"]),
        "Region": _region(region),
        "AlarmArn": alarm["AlarmArn"],
        "OldStateValue": old_state,
        "OKActions": alarm.get("OKActions", []),
        "AlarmActions": alarm.get("AlarmActions", []),
        "InsufficientDataActions": alarm.get("InsufficientDataActions", []),
    }
    if "AlarmRule" in alarm:
        message["AlarmRule"] = alarm["AlarmRule"]
        return message
    trigger: dict[str, Any] = {}
    if "MetricName" in alarm:
        trigger.update({
            "MetricName": alarm["MetricName"], "Namespace": alarm["Namespace"],
            "StatisticType": "Statistic" if "Statistic" in alarm else "ExtendedStatistic",
        })
        if "Statistic" in alarm:
            trigger["Statistic"] = _upper_snake(alarm["Statistic"])
        else:
            trigger["ExtendedStatistic"] = alarm["ExtendedStatistic"]
        trigger["Unit"] = alarm.get("Unit")
        trigger["Dimensions"] = [{"value": d["Value"], "name": d["Name"]}
                                 for d in alarm.get("Dimensions", [])]
        trigger["Period"] = alarm["Period"]
    else:
        trigger["Period"] = period
    trigger["EvaluationPeriods"] = alarm["EvaluationPeriods"]
    if "DatapointsToAlarm" in alarm:
        trigger["DatapointsToAlarm"] = alarm["DatapointsToAlarm"]
    trigger["ComparisonOperator"] = alarm["ComparisonOperator"]
    if "ThresholdMetricId" in alarm:
        # an anomaly detection alarm compares with a band, named by its query Id
        trigger["ThresholdMetricId"] = alarm["ThresholdMetricId"]
    else:
        trigger["Threshold"] = float(alarm["Threshold"])
    trigger["TreatMissingData"] = (f"- TreatMissingData:{' ' * 20}{alarm['TreatMissingData']}"
                                   if "TreatMissingData" in alarm else "")
    trigger["EvaluateLowSampleCountPercentile"] = alarm.get(
        "EvaluateLowSampleCountPercentile", "")
    if "Metrics" in alarm:
        trigger["Metrics"] = [_trigger_query(q) for q in alarm["Metrics"]]
    message["Trigger"] = trigger
    return message


def _trigger_query(query: dict[str, Any]) -> dict[str, Any]:
    """A Metrics member as the notification shows it: dimensions as {value, name}."""
    out = dict(query)
    if "MetricStat" in query:
        metric = dict(query["MetricStat"]["Metric"])
        metric["Dimensions"] = [{"value": d["Value"], "name": d["Name"]}
                                for d in metric.get("Dimensions", [])]
        out["MetricStat"] = {**query["MetricStat"], "Metric": metric}
    out.setdefault("ReturnData", True)
    return out


def lambda_event(alarm: Alarm, account: str, region: str, previous: dict[str, Any],
                 event_id: str) -> dict[str, Any]:
    """The event a Lambda alarm action receives."""
    configuration: dict[str, Any] = {"description": alarm.get("AlarmDescription")}
    if "AlarmRule" in alarm:
        configuration["alarmRule"] = alarm["AlarmRule"]
    else:
        configuration["metrics"] = [_metric_query(alarm)] if "MetricName" in alarm \
            else [_lower(query) for query in alarm.get("Metrics", [])]
    return {
        "source": "aws.cloudwatch",
        "alarmArn": alarm["AlarmArn"],
        "accountId": account,
        "time": iso(alarm["StateUpdatedTimestamp"]),
        "region": region,
        "alarmData": {
            "alarmName": alarm["AlarmName"],
            "state": _state(alarm),
            "previousState": previous,
            "configuration": configuration,
        },
    }


def previous_state(alarm: Alarm) -> dict[str, Any]:
    """The state members of `alarm` before its change, as alarmData.previousState."""
    return _state(alarm)


def _state(alarm: Alarm) -> dict[str, Any]:
    state = {"value": alarm["StateValue"], "reason": alarm["StateReason"],
             "timestamp": iso(alarm["StateUpdatedTimestamp"])}
    if alarm.get("StateReasonData"):
        state["reasonData"] = alarm["StateReasonData"]
    return state


def _metric_query(alarm: Alarm) -> dict[str, Any]:
    return {"id": "m1", "metricStat": {
        "metric": {"namespace": alarm["Namespace"], "name": alarm["MetricName"],
                   "dimensions": {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}},
        "period": alarm["Period"],
        "stat": alarm.get("Statistic", alarm.get("ExtendedStatistic")),
    }, "returnData": True}


def _lower(value: Any) -> Any:
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _lower(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower(v) for v in value]
    return value


def _upper_snake(stat: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stat).upper()


def _region(region: str) -> str:
    return REGION_NAMES.get(region, region)
