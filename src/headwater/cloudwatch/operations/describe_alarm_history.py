"""DescribeAlarmHistory: ConfigurationUpdate, StateUpdate and Action items of one alarm or all,
newest first unless ScanBy is TimestampAscending, between StartDate and EndDate; metric alarms
only when AlarmTypes is absent; 100 per page."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.alarms.paging import page
from headwater.cloudwatch.alarms.store import METRIC
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.times import epoch


def describe_alarm_history(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    items = store.history(ctx.runtime.storage.conn, ctx.account, ctx.region,
                          request.get("AlarmName"))
    types = request.get("AlarmTypes") or [METRIC]
    start = epoch(request["StartDate"]) if request.get("StartDate") is not None else None
    end = epoch(request["EndDate"]) if request.get("EndDate") is not None else None
    kind = request.get("HistoryItemType")
    items = [i for i in items if i["AlarmType"] in types
             and (kind is None or i["HistoryItemType"] == kind)
             and (start is None or i["Timestamp"] >= start)
             and (end is None or i["Timestamp"] <= end)]
    if request.get("ScanBy") == "TimestampAscending":
        items.reverse()
    shown, token = page(items, request, 100, 100)
    result: dict[str, Any] = {"AlarmHistoryItems": shown}
    if token is not None:
        result["NextToken"] = token
    return result
