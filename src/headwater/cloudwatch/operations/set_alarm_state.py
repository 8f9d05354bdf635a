"""SetAlarmState: set an alarm's state by hand (StateReasonData must be JSON); a change of
state is recorded and runs the new state's actions, and the next evaluation may set it back."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidFormatFault,
    InvalidParameterValueException,
    ResourceNotFound,
)

STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")


def set_alarm_state(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request["StateValue"] not in STATES:
        raise InvalidParameterValueException(
            f"The value {request['StateValue']} for parameter StateValue is not valid.")
    data = request.get("StateReasonData") or None
    if data is not None:
        try:
            orjson.loads(data)
        except orjson.JSONDecodeError:
            raise InvalidFormatFault("StateReasonData is not valid JSON.") from None
    alarm = store.get(ctx.runtime.storage.conn, ctx.account, ctx.region, request["AlarmName"])
    if alarm is None:
        # what AWS answers (seen: "An error occurred (ResourceNotFound) when calling the
        # SetAlarmState operation: Unknown")
        raise ResourceNotFound("Unknown")
    if alarm["StateValue"] != request["StateValue"]:
        ctx.runtime.alarms.transition(ctx.account, ctx.region, alarm, request["StateValue"],
                                      request["StateReason"], data)
    return {}
