"""DescribeStackResource, DescribeStackResources and ListStackResources: a stack's resources
with their physical ids and statuses (DescribeStackResources also finds the stack of a
PhysicalResourceId)."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import lookup, store
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.describe import resource_description, resource_summary
from headwater.cloudformation.errors import ValidationError
from headwater.cloudformation.model import Stack


def describe_stack_resource(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    logical = request["LogicalResourceId"]
    resource = ctx.runtime.stacks.resources(stack.stack_id).get(logical)
    if resource is None:
        raise ValidationError(f"Resource {logical} does not exist for stack {stack.name}")
    return {"StackResourceDetail": resource_description(stack, resource, detail=True)}


def describe_stack_resources(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("StackName"):
        stack = lookup.stack(ctx, request["StackName"])
    elif request.get("PhysicalResourceId"):
        stack = _owner(ctx, request["PhysicalResourceId"])
    else:
        raise ValidationError("Either StackName or PhysicalResourceId must be specified.")
    resources = ctx.runtime.stacks.resources(stack.stack_id).values()
    logical = request.get("LogicalResourceId")
    return {"StackResources": [resource_description(stack, resource, detail=False)
                               for resource in resources
                               if logical is None or resource.logical_id == logical]}


def list_stack_resources(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    resources = ctx.runtime.stacks.resources(stack.stack_id).values()
    return {"StackResourceSummaries": [resource_summary(resource) for resource in resources]}


def _owner(ctx: RequestContext, physical_id: str) -> Stack:
    conn = ctx.runtime.storage.conn
    for stack in store.stacks(conn, ctx.account, ctx.region, False):
        for resource in store.resources(conn, stack.stack_id).values():
            if resource.physical_id == physical_id:
                return stack
    raise ValidationError(f"Stack for {physical_id} does not exist")
