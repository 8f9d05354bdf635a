"""CreateStack: the template is checked (parameters, transforms, references, property
schemas, capabilities) before anything is created; the stack then deploys in the background
(CREATE_IN_PROGRESS, then CREATE_COMPLETE or a rollback) and the call answers its StackId."""

from __future__ import annotations

import asyncio
from typing import Any

from headwater.cloudformation import engine, lookup, submission
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import AlreadyExistsException
from headwater.cloudformation.model import Stack
from headwater.cloudformation.template.prepare import prepare, pseudo_parameters
from headwater.core.ids import new_uuid


def new_stack_id(ctx: RequestContext, name: str) -> str:
    return f"arn:aws:cloudformation:{ctx.region}:{ctx.account}:stack/{name}/{new_uuid()}"


def caller_record(ctx: RequestContext) -> dict[str, str]:
    caller = ctx.caller
    return {"account": caller.account, "region": caller.region, "arn": caller.arn,
            "kind": caller.kind, "access_key": caller.access_key}


async def create_stack(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    name = request["StackName"]
    submission.check_stack_name(name)
    existing = lookup.find_stack(ctx, name)
    if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
        raise AlreadyExistsException(f"Stack [{name}] already exists")
    body = submission.template_body(ctx, request)
    stack_id = existing.stack_id if existing is not None else new_stack_id(ctx, name)
    notifications = list(request.get("NotificationARNs") or [])
    # Off the event loop: a SAM transform and the schema checks take ~0.1 s (more on the
    # first stack, while the schemas load).
    prepared = await asyncio.to_thread(
        prepare, body, submission.given_parameters(request, None),
        pseudo_parameters(ctx.account, ctx.region, name, stack_id, notifications))
    if lookup.find_stack(ctx, name) not in (None, existing):
        raise AlreadyExistsException(f"Stack [{name}] already exists")
    capabilities = list(request.get("Capabilities") or [])
    submission.check_capabilities(prepared.original, prepared.template, capabilities, False)
    stacks = ctx.runtime.stacks
    stack = Stack(
        stack_id, name, ctx.account, ctx.region, "CREATE_IN_PROGRESS",
        stacks.clock.now(), body, prepared.template, prepared.parameters, caller_record(ctx),
        description=_description(prepared.template), tags=list(request.get("Tags") or []),
        capabilities=capabilities,
        termination_protection=bool(request.get("EnableTerminationProtection")),
        disable_rollback=bool(request.get("DisableRollback"))
        or request.get("OnFailure") in ("DO_NOTHING",),
        notification_arns=notifications, role_arn=request.get("RoleARN"),
        timeout=request.get("TimeoutInMinutes"))
    engine.begin(stacks, stack, "CREATE_IN_PROGRESS")
    stacks.run(stack, engine.create(stacks, stack, prepared))
    return {"StackId": stack_id}


def _description(template: dict[str, Any]) -> str | None:
    found = template.get("Description")
    return None if found is None else str(found)
