"""AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies and the same for users: at
most 10 managed policies per role or user (IAM's default quota)."""

from __future__ import annotations

from typing import Any

from headwater.iam import entities, managed, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import LimitExceeded, no_such_policy, not_attachable

MAX_ATTACHED = 10
QUOTA = {"role": "PoliciesPerRole", "user": "PoliciesPerUser"}


def _attach(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["PolicyArn"]
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.named(conn, ctx.account, kind, request)
        if managed.find(conn, ctx.account, arn) is None:
            raise not_attachable(arn)
        present = store.attached(conn, entity.id)
        if arn not in present and len(present) >= MAX_ATTACHED:
            raise LimitExceeded(f"Cannot exceed quota for {QUOTA[kind]}: {MAX_ATTACHED}")
        store.attach(conn, entity.id, arn, ctx.runtime.clock.now())
        ctx.runtime.identities.changed()
    return {}


def _detach(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["PolicyArn"]
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.named(conn, ctx.account, kind, request)
        managed.find(conn, ctx.account, arn)  # InvalidInput for what is no policy ARN
        if not store.detach(conn, entity.id, arn):
            raise no_such_policy(arn)
        ctx.runtime.identities.changed()
    return {}


def _list(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    conn = ctx.runtime.storage.conn
    entity = entities.named(conn, ctx.account, kind, request)
    prefix = request.get("PathPrefix", "/")
    found = [policy for arn in store.attached(conn, entity.id)
             if (policy := managed.find(conn, ctx.account, arn)) is not None
             and policy.path.startswith(prefix)]
    chosen, more = paging.page(found, request, lambda policy: policy.name)
    return {"AttachedPolicies": [{"PolicyName": policy.name, "PolicyArn": policy.arn}
                                 for policy in chosen], **more}


def attach_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """AttachRolePolicy."""
    return _attach(ctx, "role", request)


def detach_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DetachRolePolicy."""
    return _detach(ctx, "role", request)


def list_attached_role_policies(ctx: RequestContext, request: dict[str, Any]
                                ) -> dict[str, Any]:
    """ListAttachedRolePolicies."""
    return _list(ctx, "role", request)


def attach_user_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """AttachUserPolicy."""
    return _attach(ctx, "user", request)


def detach_user_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DetachUserPolicy."""
    return _detach(ctx, "user", request)


def list_attached_user_policies(ctx: RequestContext, request: dict[str, Any]
                                ) -> dict[str, Any]:
    """ListAttachedUserPolicies."""
    return _list(ctx, "user", request)
