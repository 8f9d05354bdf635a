"""PutCompositeAlarm: an alarm whose state is its AlarmRule over other alarms' states; created
in INSUFFICIENT_DATA and evaluated at once (and again whenever an alarm changes state)."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import composite, store
from headwater.cloudwatch.alarms.names import alarm_arn
from headwater.cloudwatch.alarms.store import COMPOSITE
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import InvalidParameterValueException

MEMBERS = ("AlarmDescription", "AlarmRule", "OKActions", "AlarmActions",
           "InsufficientDataActions")


def put_composite_alarm(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    name = request["AlarmName"]
    if name in composite.names(request["AlarmRule"]):
        raise InvalidParameterValueException("AlarmRule cannot refer to the alarm itself.")
    now = ctx.runtime.alarms.clock.now()
    with ctx.runtime.storage.transaction() as conn:
        old = store.get(conn, ctx.account, ctx.region, name)
        alarm: dict[str, Any] = {
            "AlarmName": name, "AlarmArn": alarm_arn(ctx.account, ctx.region, name),
            "AlarmConfigurationUpdatedTimestamp": now,
            "ActionsEnabled": request.get("ActionsEnabled", True),
            "OKActions": [], "AlarmActions": [], "InsufficientDataActions": [],
            "StateValue": "INSUFFICIENT_DATA",
            "StateReason": "Unchecked: Initial alarm creation",
            "StateUpdatedTimestamp": now, "StateTransitionedTimestamp": now,
        }
        alarm.update({k: request[k] for k in MEMBERS if request.get(k) is not None})
        if old is not None and "AlarmRule" in old:
            for member in ("StateValue", "StateReason", "StateUpdatedTimestamp",
                           "StateTransitionedTimestamp"):
                alarm[member] = old[member]
        store.put(conn, ctx.account, ctx.region, COMPOSITE, alarm)
        if old is None:
            store.set_tags(conn, ctx.account, ctx.region, name,
                           {t["Key"]: t["Value"] for t in request.get("Tags") or []})
        store.add_history(conn, ctx.account, ctx.region, name, COMPOSITE, now,
                          "ConfigurationUpdate",
                          f'Alarm "{name}" {"created" if old is None else "updated"}',
                          {"version": "1.0", "type": "Create" if old is None else "Update"})
    ctx.runtime.alarms.evaluate_composites(ctx.account, ctx.region)
    return {}
