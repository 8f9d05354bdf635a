"""PutMetricAlarm: create or replace a metric alarm (static threshold; a single metric or a
metric math `Metrics` list). A new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm
creation"); an update keeps the state and replaces the configuration, ignoring Tags (API
reference). The evaluator takes it from there on the clock."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import metric_math, store
from headwater.cloudwatch.alarms.evaluation import (
    BAND_COMPARISONS,
    COMPARISONS,
    MISSING_TREATMENTS,
)
from headwater.cloudwatch.alarms.names import alarm_arn
from headwater.cloudwatch.alarms.store import METRIC
from headwater.cloudwatch.anomaly.registry import key_of
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.expressions.syntax import names, parse
from headwater.cloudwatch.statistics import BASIC, check_stat

METRIC_MEMBERS = ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions",
                  "Period", "Unit")
MAX_RANGE = 7 * 24 * 3600
CONFIG_MEMBERS = ("AlarmDescription", "OKActions", "AlarmActions", "InsufficientDataActions",
                  *METRIC_MEMBERS, "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
                  "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile",
                  "Metrics", "ThresholdMetricId")


def put_metric_alarm(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _validate(request)
    _train(ctx, request)
    name = request["AlarmName"]
    now = ctx.runtime.alarms.clock.now()
    with ctx.runtime.storage.transaction() as conn:
        old = store.get(conn, ctx.account, ctx.region, name)
        alarm: dict[str, Any] = {
            "AlarmName": name, "AlarmArn": alarm_arn(ctx.account, ctx.region, name),
            "AlarmConfigurationUpdatedTimestamp": now,
            "ActionsEnabled": request.get("ActionsEnabled", True),
            "OKActions": [], "AlarmActions": [], "InsufficientDataActions": [],
        }
        alarm.update({k: request[k] for k in CONFIG_MEMBERS if request.get(k) is not None})
        if "Threshold" in alarm:
            alarm["Threshold"] = float(alarm["Threshold"])
        if "Dimensions" not in alarm and "MetricName" in alarm:
            alarm["Dimensions"] = []
        if old is not None and "AlarmRule" not in old:
            for member in ("StateValue", "StateReason", "StateReasonData",
                           "StateUpdatedTimestamp", "StateTransitionedTimestamp"):
                if member in old:
                    alarm[member] = old[member]
        else:
            alarm.update({"StateValue": "INSUFFICIENT_DATA",
                          "StateReason": "Unchecked: Initial alarm creation",
                          "StateUpdatedTimestamp": now, "StateTransitionedTimestamp": now})
        store.put(conn, ctx.account, ctx.region, METRIC, alarm)
        if old is None:
            store.set_tags(conn, ctx.account, ctx.region, name,
                           {t["Key"]: t["Value"] for t in request.get("Tags") or []})
        verb = "created" if old is None else "updated"
        store.add_history(conn, ctx.account, ctx.region, name, METRIC, now,
                          "ConfigurationUpdate", f'Alarm "{name}" {verb}',
                          {"version": "1.0", "type": "Create" if old is None else "Update",
                           "createdAlarm" if old is None else "updatedAlarm": {
                               k: v for k, v in alarm.items() if not k.startswith("State")}})
    return {}


def _train(ctx: RequestContext, request: dict[str, Any]) -> None:
    """An anomaly detection alarm creates the detector of the metric its band reads when there
    is none yet, as the CloudWatch console does."""
    registry = ctx.runtime.anomaly_detectors
    for stat in band_metrics(request):
        metric = stat["Metric"]
        key = key_of(ctx.account, ctx.region, metric["Namespace"], metric["MetricName"],
                     metric.get("Dimensions"), stat["Stat"])
        if key not in registry.detectors:
            registry.put(key, {"SingleMetricAnomalyDetector": {
                "Namespace": metric["Namespace"], "MetricName": metric["MetricName"],
                "Dimensions": metric.get("Dimensions") or [], "Stat": stat["Stat"]},
                "Configuration": {"ExcludedTimeRanges": []}})


def _validate(request: dict[str, Any]) -> None:
    for member in ("EvaluationPeriods", "ComparisonOperator"):
        if request.get(member) is None:
            raise MissingRequiredParameterException(f"The parameter {member} is required.")
    comparison = request["ComparisonOperator"]
    if comparison in BAND_COMPARISONS:
        _validate_band(request)
    elif comparison not in COMPARISONS:
        raise InvalidParameterValueException(
            f"The value {comparison} for parameter ComparisonOperator is not valid.")
    elif request.get("ThresholdMetricId") is not None:
        raise InvalidParameterCombinationException(
            "ThresholdMetricId may only be used with the anomaly detection comparison "
            "operators LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold and "
            "GreaterThanUpperThreshold.")
    elif request.get("Threshold") is None:
        raise MissingRequiredParameterException("The parameter Threshold is required.")
    periods = request["EvaluationPeriods"]
    if periods < 1:
        raise InvalidParameterValueException(
            "The parameter EvaluationPeriods must be greater than or equal to 1.")
    wanted = request.get("DatapointsToAlarm")
    if wanted is not None and not 1 <= wanted <= periods:
        raise InvalidParameterValueException(
            "DatapointsToAlarm must be greater than 0 and less than or equal to "
            "EvaluationPeriods.")
    treat = request.get("TreatMissingData")
    if treat is not None and treat not in MISSING_TREATMENTS:
        raise InvalidParameterValueException(
            f"The value {treat} for parameter TreatMissingData is not valid.")
    if request.get("Metrics"):
        _validate_math(request)
        _check_range(periods, min((q["MetricStat"]["Period"] for q in request["Metrics"]
                                   if "MetricStat" in q), default=60))
        return
    for member in ("MetricName", "Namespace", "Period"):
        if request.get(member) is None:
            raise MissingRequiredParameterException(f"The parameter {member} is required.")
    statistic, extended = request.get("Statistic"), request.get("ExtendedStatistic")
    if (statistic is None) == (extended is None):
        raise InvalidParameterCombinationException(
            "Exactly one of Statistic or ExtendedStatistic must be specified.")
    if statistic is not None and statistic not in BASIC:
        raise InvalidParameterValueException(
            f"The value {statistic} for parameter Statistic is not valid.")
    if extended is not None:
        check_stat(extended)
    _check_period(request["Period"])
    _check_range(periods, request["Period"])


def _check_range(periods: int, period: int) -> None:
    """The periods evaluated may span at most 7 days (CloudWatch User Guide, "Evaluating an
    alarm": alarms on periods of an hour or more may evaluate up to 7 days)."""
    if periods * period > MAX_RANGE:
        raise InvalidParameterValueException(
            "The evaluation period of the alarm (Period x EvaluationPeriods) cannot exceed "
            "7 days.")


def _validate_math(request: dict[str, Any]) -> None:
    if any(request.get(m) is not None for m in METRIC_MEMBERS):
        raise InvalidParameterCombinationException(
            "The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, "
            "Period and Unit may not be used together with Metrics.")
    queries = request["Metrics"]
    returned = [q for q in queries if q.get("ReturnData", True)
                and q["Id"] != request.get("ThresholdMetricId")]
    if len(returned) != 1:
        raise InvalidParameterValueException(
            "Invalid metrics list: exactly one metric must return data.")
    ids = [q["Id"] for q in queries]
    for query in queries:
        stat = query.get("MetricStat")
        if stat is not None:
            check_stat(stat["Stat"])
            _check_period(stat["Period"])
        elif query.get("Expression"):
            metric_math.check(query["Expression"], [i for i in ids if i != query["Id"]])
        else:
            raise InvalidParameterValueException(
                "Invalid metrics list: each metric needs a MetricStat or an Expression.")


def _validate_band(request: dict[str, Any]) -> None:
    """An anomaly detection alarm: Metrics with an ANOMALY_DETECTION_BAND expression named by
    ThresholdMetricId, and no Threshold."""
    if request.get("Threshold") is not None:
        raise InvalidParameterCombinationException(
            "Threshold may not be used together with the anomaly detection comparison "
            "operators; use ThresholdMetricId.")
    threshold = request.get("ThresholdMetricId")
    if threshold is None or not request.get("Metrics"):
        raise MissingRequiredParameterException(
            "The parameter ThresholdMetricId is required with the anomaly detection "
            "comparison operators.")
    query = next((q for q in request["Metrics"] if q["Id"] == threshold), None)
    if query is None or "ANOMALY_DETECTION_BAND" not in str(query.get("Expression", "")):
        raise InvalidParameterValueException(
            f"ThresholdMetricId {threshold} must name an ANOMALY_DETECTION_BAND expression "
            "in Metrics.")


def band_metrics(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The MetricStats an anomaly detection alarm's band reads."""
    threshold = request.get("ThresholdMetricId")
    query = next((q for q in request.get("Metrics") or [] if q["Id"] == threshold), None)
    if query is None:
        return []
    used = names(parse(query["Expression"]))
    return [q["MetricStat"] for q in request["Metrics"] if q["Id"] in used and "MetricStat" in q]


def _check_period(period: int) -> None:
    if period not in (10, 20, 30) and (period < 60 or period % 60):
        raise InvalidParameterValueException(
            "The parameter Period must be 10, 20, 30 or a multiple of 60.")
