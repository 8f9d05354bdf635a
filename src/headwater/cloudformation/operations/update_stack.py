"""UpdateStack: a new template and/or parameters for a stack at rest; resources are updated in
place or replaced in the background (UPDATE_IN_PROGRESS ... UPDATE_COMPLETE, or a rollback to
the previous template). "No updates are to be performed." when nothing would change."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from headwater.cloudformation import engine, lookup, submission
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import ValidationError
from headwater.cloudformation.model import Stack
from headwater.cloudformation.operations.create_stack import caller_record
from headwater.cloudformation.template.prepare import Prepared, prepare, pseudo_parameters

UPDATABLE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
                       "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"})


def check_updatable(stack: Stack) -> None:
    if stack.status not in UPDATABLE:
        raise ValidationError(f"Stack:{stack.stack_id} is in {stack.status} state and can not "
                              "be updated.")


async def prepare_update(ctx: RequestContext, stack: Stack, request: dict[str, Any],
                         change_set: bool) -> tuple[str, Prepared]:
    """The template and parameters `request` gives `stack`, prepared off the event loop."""
    body = submission.template_body(ctx, request, stack.template_body)
    notifications = request.get("NotificationARNs")
    prepared = await asyncio.to_thread(
        prepare, body, submission.given_parameters(request, stack.parameters),
        pseudo_parameters(ctx.account, ctx.region, stack.name, stack.stack_id,
                          stack.notification_arns if notifications is None
                          else list(notifications)))
    submission.check_capabilities(prepared.original, prepared.template,
                                  list(request.get("Capabilities") or []), change_set)
    return body, prepared


def start_update(ctx: RequestContext, stack: Stack, body: str, prepared: Prepared,
                 request: dict[str, Any]) -> None:
    """Give `stack` its new definition and run the update in the background."""
    previous = copy.deepcopy(stack)
    stack.template_body, stack.template = body, prepared.template
    stack.parameters = prepared.parameters
    description = prepared.template.get("Description")
    stack.description = None if description is None else str(description)
    stack.caller = caller_record(ctx)
    if request.get("Capabilities") is not None:
        stack.capabilities = list(request["Capabilities"])
    if request.get("Tags") is not None:
        stack.tags = list(request["Tags"])
    if request.get("NotificationARNs") is not None:
        stack.notification_arns = list(request["NotificationARNs"])
    if request.get("RoleARN"):
        stack.role_arn = request["RoleARN"]
    if request.get("DisableRollback") is not None:
        stack.disable_rollback = bool(request["DisableRollback"])
    stacks = ctx.runtime.stacks
    engine.begin(stacks, stack, "UPDATE_IN_PROGRESS")
    stacks.run(stack, engine.update(stacks, stack, prepared, previous))


async def update_stack(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    check_updatable(stack)
    body, prepared = await prepare_update(ctx, stack, request, change_set=False)
    stack = lookup.stack(ctx, stack.stack_id)  # as it is now: another update may have begun
    check_updatable(stack)
    if (prepared.template == stack.template and prepared.parameters == stack.parameters
            and (request.get("Tags") is None or list(request["Tags"]) == stack.tags)):
        raise ValidationError("No updates are to be performed.")
    start_update(ctx, stack, body, prepared, request)
    return {"StackId": stack.stack_id}
