"""DescribeAlarms: metric and composite alarms, filtered by names or a name prefix, alarm types
(metric alarms only when AlarmTypes is absent, as the API reference says), state, action prefix,
and the children or parents of a composite alarm; 50 per page by default, at most 100."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import composite, store
from headwater.cloudwatch.alarms.paging import page
from headwater.cloudwatch.alarms.store import COMPOSITE, METRIC
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import InvalidParameterCombinationException

ACTIONS = ("OKActions", "AlarmActions", "InsufficientDataActions")


def describe_alarms(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("AlarmNames") and request.get("AlarmNamePrefix"):
        raise InvalidParameterCombinationException(
            "AlarmNames and AlarmNamePrefix may not be used together.")
    alarms = [a for _, _, a in store.every(ctx.runtime.storage.conn, ctx.account, ctx.region)]
    by_name = {a["AlarmName"]: a for a in alarms}
    types = request.get("AlarmTypes") or [METRIC]
    if request.get("ChildrenOfAlarmName") or request.get("ParentsOfAlarmName"):
        types = [METRIC, COMPOSITE]
    found = [a for a in alarms if _kind(a) in types and _wanted(a, request, by_name)]
    shown, token = page(found, request, 50, 100)
    result: dict[str, Any] = {
        "MetricAlarms": [a for a in shown if _kind(a) == METRIC],
        "CompositeAlarms": [a for a in shown if _kind(a) == COMPOSITE],
    }
    if token is not None:
        result["NextToken"] = token
    return result


def _kind(alarm: dict[str, Any]) -> str:
    return COMPOSITE if "AlarmRule" in alarm else METRIC


def _wanted(alarm: dict[str, Any], request: dict[str, Any],
            by_name: dict[str, dict[str, Any]]) -> bool:
    name = alarm["AlarmName"]
    if request.get("AlarmNames") and name not in request["AlarmNames"]:
        return False
    if request.get("AlarmNamePrefix") and not name.startswith(request["AlarmNamePrefix"]):
        return False
    if request.get("StateValue") and alarm["StateValue"] != request["StateValue"]:
        return False
    prefix = request.get("ActionPrefix")
    if prefix and not any(a.startswith(prefix) for m in ACTIONS for a in alarm.get(m, [])):
        return False
    children_of = request.get("ChildrenOfAlarmName")
    if children_of:
        parent = by_name.get(children_of)
        if parent is None or "AlarmRule" not in parent or \
                name not in composite.names(parent["AlarmRule"]):
            return False
    parents_of = request.get("ParentsOfAlarmName")
    if parents_of and ("AlarmRule" not in alarm
                       or parents_of not in composite.names(alarm["AlarmRule"])):
        return False
    return True
