"""The alarms the runtime holds (`runtime.alarms`): state transitions with their history items
and actions, and the evaluation sweep the evaluator runs on the project clock.

Datapoints are read only through the metric store's query functions and the statistics module,
as GetMetricStatistics reads them (`get`, `aggregate`, `compute_set`). Actions go to SNS topics
(the notification JSON, as CloudWatch publishes it) and Lambda functions (an asynchronous
invocation with the alarm event)."""

from __future__ import annotations

import dataclasses
import logging
import math
import uuid
from typing import Any, Protocol

import orjson

from headwater.cloudwatch.alarms import composite, evaluation, notifications, store
from headwater.cloudwatch.alarms.store import COMPOSITE, METRIC, Alarm
from headwater.cloudwatch.anomaly.registry import AnomalyDetectors
from headwater.cloudwatch.expressions.queries import QuerySet
from headwater.cloudwatch.expressions.series import Scope, TimeSeries
from headwater.cloudwatch.statistics import aggregate, compute_set
from headwater.cloudwatch.store import MetricStore
from headwater.core.clock import Clock
from headwater.core.storage import Storage
from headwater.functions.registry import Functions
from headwater.wire.errors import AwsError

log = logging.getLogger("headwater.cloudwatch.alarms")
MAX_PASSES = 10
DYNAMODB = "AWS/DynamoDB"
ACTIONS_BY_STATE = {"ALARM": "AlarmActions", "OK": "OKActions",
                    "INSUFFICIENT_DATA": "InsufficientDataActions"}


class Publisher(Protocol):
    """SNS publish, as the topics registry offers it."""

    def publish(self, account: str, region: str, topic_arn: str, message: str,
                attributes: dict[str, Any] | None = None, subject: str | None = None) -> str: ...


class Alarms:
    def __init__(self, storage: Storage, clock: Clock, metrics: MetricStore,
                 publisher: Publisher, functions: Functions, detectors: AnomalyDetectors
                 ) -> None:
        self.storage = storage
        self.detectors = detectors
        self.clock = clock
        self.metrics = metrics
        self.publisher = publisher
        self.functions = functions

    def transition(self, account: str, region: str, alarm: Alarm, state: str, reason: str,
                   reason_data: dict[str, Any] | str | None = None, cascade: bool = True
                   ) -> None:
        """Move `alarm` to `state` (`reason_data` as a dict, or as the JSON text SetAlarmState
        was given, kept verbatim): store it, add the StateUpdate history item and run the
        actions for the new state (when actions are enabled); composite alarms that name it
        are evaluated afterwards (unless `cascade` is off: the composite pass itself)."""
        now = self.clock.now()
        old = dict(alarm)
        alarm["StateValue"] = state
        alarm["StateReason"] = reason
        alarm["StateUpdatedTimestamp"] = now
        alarm["StateTransitionedTimestamp"] = now
        if reason_data is not None:
            alarm["StateReasonData"] = reason_data if isinstance(reason_data, str) \
                else orjson.dumps(reason_data).decode()
        else:
            alarm.pop("StateReasonData", None)
        kind = COMPOSITE if "AlarmRule" in alarm else METRIC
        new_state: dict[str, Any] = {"stateValue": state, "stateReason": reason}
        if reason_data is not None:
            new_state["stateReasonData"] = orjson.loads(reason_data) \
                if isinstance(reason_data, str) else reason_data
        with self.storage.transaction() as conn:
            store.put(conn, account, region, kind, alarm)
            store.add_history(
                conn, account, region, alarm["AlarmName"], kind, now, "StateUpdate",
                f"Alarm updated from {old['StateValue']} to {state}",
                {"version": "1.0", "oldState": {"stateValue": old["StateValue"],
                                                "stateReason": old["StateReason"]},
                 "newState": new_state})
            if alarm.get("ActionsEnabled", True):
                for action in alarm.get(ACTIONS_BY_STATE[state], []):
                    self._act(conn, account, region, alarm, old, action, kind, now)
        if cascade:
            self.evaluate_composites(account, region)

    def _act(self, conn: Any, account: str, region: str, alarm: Alarm, old: Alarm,
             action: str, kind: str, now: float) -> None:
        try:
            if action.startswith("arn:aws:sns:"):
                period = 0 if kind == COMPOSITE else period_of(alarm)
                message = notifications.sns_message(alarm, account, region, old["StateValue"],
                                                    period)
                self.publisher.publish(account, region, action,
                                       orjson.dumps(message).decode(), None,
                                       notifications.subject(alarm, region))
            elif action.startswith("arn:aws:lambda:"):
                event = notifications.lambda_event(alarm, account, region,
                                                   notifications.previous_state(old),
                                                   str(uuid.uuid4()))
                resolved = self.functions.resolve(account, region, action)
                self.functions.events.enqueue(resolved, orjson.dumps(event))
            else:
                return
        except AwsError as error:
            store.add_history(conn, account, region, alarm["AlarmName"], kind, now, "Action",
                              f"Failed to execute action {action}. Received error: "
                              f"\"{error.message}\"",
                              {"actionState": "Failed", "stateUpdateTimestamp": now,
                               "error": error.message})
            return
        store.add_history(conn, account, region, alarm["AlarmName"], kind, now, "Action",
                          f"Successfully executed action {action}",
                          {"actionState": "Succeeded", "stateUpdateTimestamp": now})

    def sweep(self) -> None:
        """Evaluate every metric alarm against the periods completed by now."""
        now = self.clock.now()
        for account, region, alarm in store.every(self.storage.conn):
            if "AlarmRule" in alarm:
                continue
            try:
                self.evaluate(account, region, alarm, now)
            except Exception:
                log.exception("evaluating alarm %s failed", alarm["AlarmName"])

    def evaluate(self, account: str, region: str, alarm: Alarm, now: float) -> None:
        rule = rule_of(alarm)
        period = period_of(alarm)
        end = math.floor(now / period) * period
        start = end - (rule.evaluation_periods + evaluation.EXTRA_PERIODS) * period
        points, bands = self.datapoints(account, region, alarm, start, end, period)
        if bands is not None:
            rule = dataclasses.replace(rule, bands=bands)
            # a period the model has no band for cannot be judged: it counts as missing
            points = [(t, v if t in bands else None) for t, v in points]
        outcome = evaluation.evaluate(rule, points)
        if outcome.state is None or outcome.state == alarm["StateValue"]:
            return
        data = None
        if outcome.evaluated:
            data = evaluation.reason_data(rule, stat_of(alarm), period, now, start, outcome)
        self.transition(account, region, alarm, outcome.state, outcome.reason, data)

    def datapoints(self, account: str, region: str, alarm: Alarm, start: float, end: float,
                   period: int) -> tuple[list[tuple[float, float | None]],
                                         dict[float, tuple[float, float]] | None]:
        """The watched datapoints by period start over [start, end), and for an anomaly
        detection alarm the band's (lower, upper) by period start."""
        starts = [start + i * period for i in range(int((end - start) // period))]
        bands = None
        if "Metrics" in alarm:
            found = self._math(account, region, alarm, start, end, period)
            values = found.get(watched_id(alarm), {})
            threshold = alarm.get("ThresholdMetricId")
            if threshold:
                upper = found.get(f"{threshold}:upper", {})
                lower = found.get(f"{threshold}:lower", {})
                bands = {t: (lower[t], upper[t]) for t in upper if t in lower}
        else:
            metric = {"Namespace": alarm["Namespace"], "MetricName": alarm["MetricName"],
                      "Dimensions": alarm.get("Dimensions", [])}
            values = self._values(account, region, metric, stat_of(alarm), alarm.get("Unit"),
                                  start, end, period)
        return [(moment, values.get(moment)) for moment in starts], bands

    def _math(self, account: str, region: str, alarm: Alarm, start: float, end: float,
              period: int) -> dict[str, dict[float, float]]:
        """The datapoints of the alarm's returned queries by Id (an anomaly band's as
        `<id>:upper` and `<id>:lower`)."""
        def fetch(stat: dict[str, Any], scope: Scope) -> TimeSeries:
            points = self._values(account, region, stat["Metric"], stat["Stat"],
                                  stat.get("Unit"), scope.start, scope.end, stat["Period"])
            return TimeSeries(stat["Metric"]["MetricName"], points, stat["Period"])

        def band(stat: dict[str, Any], width: float, scope: Scope) -> list[TimeSeries]:
            return self.detectors.band(account, region, stat, width, scope)

        queries = QuerySet(alarm["Metrics"], Scope(start, end, period), fetch, band=band)
        out: dict[str, dict[float, float]] = {}
        for query in alarm["Metrics"]:
            if not query.get("ReturnData", True) and query["Id"] != alarm.get(
                    "ThresholdMetricId"):
                continue
            value = queries.resolve(query["Id"])
            if isinstance(value, TimeSeries):
                out[query["Id"]] = value.points
            elif isinstance(value, list) and len(value) == 2:
                out[f"{query['Id']}:upper"] = value[0].points
                out[f"{query['Id']}:lower"] = value[1].points
        return out

    def _values(self, account: str, region: str, metric: dict[str, Any], stat: str,
                unit: str | None, start: float, end: float, period: int) -> dict[float, float]:
        dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
        series = self.metrics.get(account, region, metric["Namespace"], metric["MetricName"],
                                  dimensions)
        if series is None or (unit and unit != series.unit):
            return {}
        return {moment: compute_set(stat, data)
                for moment, data in aggregate(series, start, end, period).items()}

    def evaluate_composites(self, account: str, region: str) -> None:
        """Composite alarms follow the states of the alarms their rule names; passes repeat
        while one changes (composites of composites), at most MAX_PASSES times, so a cycle
        of rules cannot loop forever."""
        for _ in range(MAX_PASSES):
            alarms = {a["AlarmName"]: a
                      for _, _, a in store.every(self.storage.conn, account, region)}
            changed = False
            for alarm in alarms.values():
                if "AlarmRule" not in alarm:
                    continue
                states = {name: other["StateValue"] for name, other in alarms.items()}
                firing = composite.evaluate(alarm["AlarmRule"], states)
                state = "ALARM" if firing else "OK"
                if state != alarm["StateValue"]:
                    self.transition(account, region, alarm, state, composite.reason(
                        alarm["AlarmRule"], alarms, firing), cascade=False)
                    changed = True
            if not changed:
                return


def rule_of(alarm: Alarm) -> evaluation.Rule:
    """The evaluation rule of a metric alarm. Alarms on AWS/DynamoDB metrics always ignore
    missing data, whatever TreatMissingData says (PutMetricAlarm API reference)."""
    periods = int(alarm["EvaluationPeriods"])
    treat = alarm.get("TreatMissingData", "missing")
    namespaces = {alarm.get("Namespace")} | {
        q["MetricStat"]["Metric"].get("Namespace") for q in alarm.get("Metrics", [])
        if "MetricStat" in q}
    if DYNAMODB in namespaces:
        treat = "ignore"
    return evaluation.Rule(alarm["ComparisonOperator"], float(alarm.get("Threshold", 0.0)), periods,
                           int(alarm.get("DatapointsToAlarm", periods)), treat)


def watched_id(alarm: Alarm) -> str:
    """The Id of the query a math alarm watches: the one returning data (beside the anomaly
    band an anomaly detection alarm names as ThresholdMetricId)."""
    threshold = alarm.get("ThresholdMetricId")
    return str(next(q["Id"] for q in alarm["Metrics"]
                    if q.get("ReturnData", True) and q["Id"] != threshold))


def period_of(alarm: Alarm) -> int:
    if "Metrics" in alarm:
        wanted = watched_id(alarm)
        returned = next(q for q in alarm["Metrics"] if q["Id"] == wanted)
        if "MetricStat" in returned:
            return int(returned["MetricStat"]["Period"])
        if "Period" in returned:
            return int(returned["Period"])
        return min((int(q["MetricStat"]["Period"]) for q in alarm["Metrics"]
                    if "MetricStat" in q), default=60)
    return int(alarm["Period"])


def stat_of(alarm: Alarm) -> str:
    if "Metrics" in alarm:
        wanted = watched_id(alarm)
        returned = next(q for q in alarm["Metrics"] if q["Id"] == wanted)
        return str(returned.get("MetricStat", {}).get("Stat", "Expression"))
    return str(alarm.get("Statistic") or alarm["ExtendedStatistic"])
