"""DeleteAlarms: delete the named alarms with their history; names that match no alarm are
passed over."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms import store
from headwater.cloudwatch.context import RequestContext


def delete_alarms(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    with ctx.runtime.storage.transaction() as conn:
        for name in request["AlarmNames"]:
            store.delete(conn, ctx.account, ctx.region, name)
    return {}
