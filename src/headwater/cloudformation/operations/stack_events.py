"""DescribeStackEvents: a stack's events, newest first (by name, or a deleted stack by id)."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import lookup, store
from headwater.cloudformation.context import RequestContext

PAGE = 100


def describe_stack_events(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    events = store.events(ctx.runtime.storage.conn, stack.stack_id)
    start = int(request["NextToken"]) if str(request.get("NextToken", "")).isdigit() else 0
    page = events[start:start + PAGE]
    out: dict[str, Any] = {"StackEvents": page}
    if start + PAGE < len(events):
        out["NextToken"] = str(start + PAGE)
    return out
