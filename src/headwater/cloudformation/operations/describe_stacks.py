"""DescribeStacks and ListStacks (CloudFormation API reference): a named stack (by name, or a
deleted one by its id), every live one, or summaries with a status filter."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import lookup, store
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.describe import stack_description, stack_summary


def describe_stacks(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("StackName"):
        found = [lookup.stack(ctx, request["StackName"])]
    else:
        found = store.stacks(ctx.runtime.storage.conn, ctx.account, ctx.region, False)
        found.sort(key=lambda stack: stack.created, reverse=True)
    return {"Stacks": [stack_description(stack) for stack in found]}


def list_stacks(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    wanted = set(request.get("StackStatusFilter") or [])
    found = store.stacks(ctx.runtime.storage.conn, ctx.account, ctx.region, True)
    found.sort(key=lambda stack: stack.created, reverse=True)
    return {"StackSummaries": [stack_summary(stack) for stack in found
                               if not wanted or stack.status in wanted]}
