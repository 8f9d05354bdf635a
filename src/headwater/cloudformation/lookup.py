"""Finding the stack or change set a request names (a name, or an ARN, which also finds a
deleted stack), with CloudFormation's messages when there is none."""

from __future__ import annotations

from headwater.cloudformation import store
from headwater.cloudformation.context import RequestContext
from headwater.cloudformation.errors import ChangeSetNotFoundException, no_such_stack
from headwater.cloudformation.model import ChangeSet, Stack


def find_stack(ctx: RequestContext, name: str) -> Stack | None:
    conn = ctx.runtime.storage.conn
    if name.startswith("arn:"):
        found = store.stack_by_id(conn, name)
        if found is not None and (found.account, found.region) == (ctx.account, ctx.region):
            return found
        return None
    return store.live_stack(conn, ctx.account, ctx.region, name)


def stack(ctx: RequestContext, name: str) -> Stack:
    found = find_stack(ctx, name)
    if found is None:
        raise no_such_stack(name)
    return found


def change_set(ctx: RequestContext, name: str, stack_name: str | None) -> ChangeSet:
    conn = ctx.runtime.storage.conn
    found: ChangeSet | None = None
    if name.startswith("arn:"):
        found = store.change_set_by_id(conn, name)
        if found is not None and f":{ctx.region}:{ctx.account}:" not in found.change_set_id:
            found = None
    elif stack_name:
        owner = find_stack(ctx, stack_name)
        if owner is None:
            raise no_such_stack(stack_name)
        found = store.change_set_by_name(conn, owner.stack_id, name)
    else:
        from headwater.cloudformation.errors import ValidationError
        raise ValidationError("StackName must be specified if ChangeSetName is not specified "
                              "as an ARN.")
    if found is None:
        raise ChangeSetNotFoundException(f"ChangeSet [{name}] does not exist")
    return found
