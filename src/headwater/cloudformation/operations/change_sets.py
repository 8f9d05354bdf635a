"""CreateChangeSet, DescribeChangeSet, ExecuteChangeSet, DeleteChangeSet and ListChangeSets, so
`aws cloudformation deploy` works: a CREATE change set makes a REVIEW_IN_PROGRESS stack; the
changes list each resource added, modified (with whether it is replaced) or removed; a change
set with no changes FAILS with CloudFormation's reason. Change sets are worked out at once, so
one is CREATE_COMPLETE by its first DescribeChangeSet.

Deviation: ExecuteChangeSet answers once the deployment settles (at most EXECUTE_WAIT
seconds): the aws CLI's `deploy` waits for the stack with a 30-second poll delay after a first
look, and a local deployment takes well under a second, so answering at once would make every
deploy take 30 seconds."""

from __future__ import annotations

import asyncio
from typing import Any

from headwater.cloudformation import engine, lookup, store
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import (
    AlreadyExistsException,
    InvalidChangeSetStatusException,
    ValidationError,
    no_such_stack,
)
from headwater.cloudformation.model import ChangeSet, Resource, Stack
from headwater.cloudformation.operations.create_stack import caller_record, new_stack_id
from headwater.cloudformation.operations.update_stack import (
    check_updatable,
    prepare_update,
    start_update,
)
from headwater.cloudformation.resources.registry import TYPES
from headwater.cloudformation.template import parameters, schemas
from headwater.core.ids import new_uuid

EXECUTE_WAIT = 20.0
NO_CHANGES = ("The submitted information didn't contain changes. Submit different information "
              "to create a change set.")


async def create_change_set(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    name, kind = request["ChangeSetName"], request.get("ChangeSetType", "UPDATE")
    if kind == "IMPORT":
        raise ValidationError("Headwater does not support ChangeSetType IMPORT.")
    stacks = ctx.runtime.stacks
    stack = lookup.find_stack(ctx, request["StackName"])
    if kind == "CREATE":
        if stack is not None and stack.status != "REVIEW_IN_PROGRESS":
            raise AlreadyExistsException(f"Stack [{request['StackName']}] already exists and "
                                         "cannot be created again with the changeSet "
                                         f"[{name}].")
        if stack is None:
            stack = _review_stack(ctx, request)
    elif stack is None or stack.status == "REVIEW_IN_PROGRESS":
        raise no_such_stack(request["StackName"]) if stack is None else ValidationError(
            f"Stack [{stack.name}] does not exist")
    else:
        check_updatable(stack)
    if store.change_set_by_name(stacks.storage.conn, stack.stack_id, name) is not None:
        raise AlreadyExistsException(f"ChangeSet [{name}] already exists")
    body, prepared = await prepare_update(ctx, stack, request, change_set=True)
    current = stacks.resources(stack.stack_id) if kind == "UPDATE" else {}
    changes = _changes(engine.Run(stacks, stack, dict(current), prepared), current)
    same = kind == "UPDATE" and not changes and prepared.parameters == stack.parameters \
        and prepared.template.get("Outputs") == stack.template.get("Outputs")
    change_set_id = (f"arn:aws:cloudformation:{ctx.region}:{ctx.account}:changeSet/{name}/"
                     f"{new_uuid()}")
    found = ChangeSet(
        change_set_id, name, stack.stack_id, stack.name, kind,
        "FAILED" if same else "CREATE_COMPLETE", "UNAVAILABLE" if same else "AVAILABLE",
        stacks.clock.now(), body, prepared.template, prepared.parameters, changes,
        NO_CHANGES if same else "", request.get("Description"),
        list(request.get("Capabilities") or []), request.get("Tags"), request.get("RoleARN"),
        request.get("NotificationARNs"))
    stacks.save_change_set(found)
    return {"Id": change_set_id, "StackId": stack.stack_id}


def _review_stack(ctx: RequestContext, request: dict[str, Any]) -> Stack:
    stacks = ctx.runtime.stacks
    name = request["StackName"]
    stack = Stack(new_stack_id(ctx, name), name, ctx.account, ctx.region, "REVIEW_IN_PROGRESS",
                  stacks.clock.now(), "", {}, {}, caller_record(ctx),
                  notification_arns=list(request.get("NotificationARNs") or []))
    stacks.stack_status(stack, "REVIEW_IN_PROGRESS", INITIATED)
    return stack


INITIATED = "User Initiated"


def _changes(run: engine.Run, current: dict[str, Resource]) -> list[dict[str, Any]]:
    """What executing would do to each resource: its properties are resolved against the
    stack's resources as they are (a value that depends on a resource this change set adds or
    replaces cannot be known yet: compared as written)."""
    prepared = run.prepared
    assert prepared is not None
    out = []
    for logical, definition in prepared.resources.items():
        old = current.get(logical)
        change: dict[str, Any] = {"LogicalResourceId": logical,
                                  "ResourceType": definition["Type"], "Scope": [],
                                  "Details": []}
        if old is None or old.type != definition["Type"]:
            change["Action"] = "Add"
        else:
            replacement = _replacement(run, old, definition)
            if replacement is None:
                continue
            change.update(Action="Modify", PhysicalResourceId=old.physical_id,
                          Replacement=replacement, Scope=["Properties"])
        out.append({"Type": "Resource", "ResourceChange": change})
    for logical, old in current.items():
        if logical not in prepared.resources:
            out.append({"Type": "Resource", "ResourceChange": {
                "Action": "Remove", "LogicalResourceId": logical,
                "PhysicalResourceId": old.physical_id, "ResourceType": old.type,
                "Scope": [], "Details": []}})
    return out


def _replacement(run: engine.Run, old: Resource, definition: dict[str, Any]) -> str | None:
    """"True", "False" or "Conditional"; None when nothing changes."""
    try:
        before = old.properties
        after = run.planned(old.logical_id, old.type, definition.get("Properties") or {})
    except Exception:
        before = old.definition.get("Properties") or {}
        after = definition.get("Properties") or {}
        if before == after and old.definition == definition:
            return None
        return "Conditional"
    if before == after and old.definition == definition:
        return None
    changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
    handler = TYPES.get(old.type)
    replace_on = schemas.create_only(old.type) | (handler.replace_on if handler else set())
    return "True" if changed & replace_on else "False"


def describe_change_set(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    found = lookup.change_set(ctx, request["ChangeSetName"], request.get("StackName"))
    out: dict[str, Any] = {
        "ChangeSetName": found.name, "ChangeSetId": found.change_set_id,
        "StackId": found.stack_id, "StackName": found.stack_name,
        "Parameters": parameters.described(found.template, found.parameters),
        "CreationTime": found.created, "ExecutionStatus": found.execution_status,
        "Status": found.status, "Capabilities": found.capabilities,
        "Changes": found.changes, "NotificationARNs": found.notification_arns or [],
        "IncludeNestedStacks": False,
    }
    for key, value in (("StatusReason", found.reason), ("Description", found.description),
                       ("Tags", found.tags)):
        if value:
            out[key] = value
    return out


async def execute_change_set(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    found = lookup.change_set(ctx, request["ChangeSetName"], request.get("StackName"))
    if found.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatusException(
            f"ChangeSet [{found.change_set_id}] cannot be executed in its current execution "
            f"status of [{found.execution_status}]")
    stacks = ctx.runtime.stacks
    stack = store.stack_by_id(stacks.storage.conn, found.stack_id)
    if stack is None or stack.deleted is not None:
        raise no_such_stack(found.stack_name)
    body = {"TemplateBody": found.template_body, "Capabilities": found.capabilities,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v}
                           for k, v in found.parameters.items()],
            "Tags": found.tags, "RoleARN": found.role_arn,
            "NotificationARNs": found.notification_arns}
    if request.get("DisableRollback") is not None:
        body["DisableRollback"] = request["DisableRollback"]
    with stacks.storage.transaction() as conn:
        store.delete_change_sets(conn, stack.stack_id)
        found.execution_status = "EXECUTE_IN_PROGRESS"
        store.put_change_set(conn, found)
    stack.change_set_id = found.change_set_id
    body = {k: v for k, v in body.items() if v is not None}
    if found.kind == "CREATE":
        await _execute_create(ctx, stack, body)
    else:
        check_updatable(stack)
        text, prepared = await prepare_update(ctx, stack, body, change_set=True)
        stack = lookup.stack(ctx, stack.stack_id)
        check_updatable(stack)
        stack.change_set_id = found.change_set_id
        start_update(ctx, stack, text, prepared, body)
    await stacks.settled(stack.stack_id, EXECUTE_WAIT)
    settled = store.stack_by_id(stacks.storage.conn, stack.stack_id)
    found.execution_status = ("EXECUTE_COMPLETE" if settled is not None and
                              settled.status.endswith("_COMPLETE") and "ROLLBACK" not in
                              settled.status else "EXECUTE_FAILED")
    stacks.save_change_set(found)
    return {}


async def _execute_create(ctx: RequestContext, stack: Stack, body: dict[str, Any]) -> None:
    from headwater.cloudformation.submission import given_parameters, template_body
    from headwater.cloudformation.template.prepare import prepare, pseudo_parameters
    stacks = ctx.runtime.stacks
    text = template_body(ctx, body)
    prepared = await asyncio.to_thread(
        prepare, text, given_parameters(body, None), pseudo_parameters(
            ctx.account, ctx.region, stack.name, stack.stack_id, stack.notification_arns))
    stack.template_body, stack.template = text, prepared.template
    stack.parameters = prepared.parameters
    description = prepared.template.get("Description")
    stack.description = None if description is None else str(description)
    stack.capabilities = list(body.get("Capabilities") or [])
    stack.tags = list(body.get("Tags") or [])
    stack.role_arn = body.get("RoleARN")
    stack.disable_rollback = bool(body.get("DisableRollback"))
    stack.caller = caller_record(ctx)
    engine.begin(stacks, stack, "CREATE_IN_PROGRESS")
    stacks.run(stack, engine.create(stacks, stack, prepared))


def delete_change_set(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    found = lookup.change_set(ctx, request["ChangeSetName"], request.get("StackName"))
    if found.execution_status == "EXECUTE_IN_PROGRESS":
        raise InvalidChangeSetStatusException(
            f"ChangeSet [{found.change_set_id}] cannot be deleted in its current status of "
            "[EXECUTE_IN_PROGRESS]")
    with ctx.runtime.stacks.storage.transaction() as conn:
        store.delete_change_set(conn, found.change_set_id)
    return {}


def list_change_sets(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stack = lookup.stack(ctx, request["StackName"])
    found = store.change_sets(ctx.runtime.storage.conn, stack.stack_id)
    return {"Summaries": [{
        "StackId": item.stack_id, "StackName": item.stack_name,
        "ChangeSetId": item.change_set_id, "ChangeSetName": item.name,
        "ExecutionStatus": item.execution_status, "Status": item.status,
        "CreationTime": item.created, "IncludeNestedStacks": False,
        **({"StatusReason": item.reason} if item.reason else {}),
        **({"Description": item.description} if item.description else {}),
    } for item in found]}
