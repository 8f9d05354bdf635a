"""DeleteStack: resources deleted in reverse dependency order in the background, those with
DeletionPolicy Retain (or named in RetainResources) left in place; refused while termination
protection is on. Deleting a stack that does not exist succeeds, as on AWS."""

from __future__ import annotations

from typing import Any

from headwater.cloudformation import engine, lookup, store
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import ValidationError


async def delete_stack(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.find_stack(ctx, request["StackName"])
    if stack is None or stack.status in ("DELETE_COMPLETE", "DELETE_IN_PROGRESS"):
        return {}
    if stack.termination_protection:
        raise ValidationError(f"Stack [{stack.name}] cannot be deleted while "
                              "TerminationProtection is enabled")
    if stack.in_progress:
        raise ValidationError(f"Stack [{stack.stack_id}] cannot be deleted while in status "
                              f"{stack.status}")
    stacks = ctx.runtime.stacks
    with stacks.storage.transaction() as conn:
        store.delete_change_sets(conn, stack.stack_id)
    retained = set(request.get("RetainResources") or [])
    if retained:
        for logical, resource in stacks.resources(stack.stack_id).items():
            if logical in retained:
                resource.definition = {**resource.definition, "DeletionPolicy": "Retain"}
                stacks.save_resource(stack, resource)
    if stack.status == "REVIEW_IN_PROGRESS":
        stacks.stack_status(stack, "DELETE_COMPLETE")
        return {}
    stacks.run(stack, engine.delete(stacks, stack))
    return {}
