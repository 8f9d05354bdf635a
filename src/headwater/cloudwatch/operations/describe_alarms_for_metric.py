"""DescribeAlarmsForMetric: the metric alarms on one metric (namespace and name), narrowed by
statistic, extended statistic, the exact dimension set, period and unit when given."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.context import RequestContext


def describe_alarms_for_metric(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    wanted_dims = None
    if request.get("Dimensions") is not None:
        wanted_dims = sorted((d["Name"], d["Value"]) for d in request["Dimensions"])
    found = []
    for _, _, alarm in store.every(ctx.runtime.storage.conn, ctx.account, ctx.region):
        if alarm.get("Namespace") != request["Namespace"] or \
                alarm.get("MetricName") != request["MetricName"]:
            continue
        if any(request.get(m) is not None and alarm.get(m) != request[m]
               for m in ("Statistic", "ExtendedStatistic", "Period", "Unit")):
            continue
        have = sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions", []))
        if wanted_dims is not None and have != wanted_dims:
            continue
        found.append(alarm)
    return {"MetricAlarms": found}
