"""EnableAlarmActions and DisableAlarmActions: switch the named alarms' ActionsEnabled."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.alarms.store import COMPOSITE, METRIC
from headwater.cloudwatch.context import RequestContext


def enable_alarm_actions(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _set(ctx, request["AlarmNames"], True)
    return {}


def disable_alarm_actions(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    _set(ctx, request["AlarmNames"], False)
    return {}


def _set(ctx: RequestContext, names: list[str], enabled: bool) -> None:
    with ctx.runtime.storage.transaction() as conn:
        for name in names:
            alarm = store.get(conn, ctx.account, ctx.region, name)
            if alarm is not None:
                alarm["ActionsEnabled"] = enabled
                store.put(conn, ctx.account, ctx.region,
                          COMPOSITE if "AlarmRule" in alarm else METRIC, alarm)
