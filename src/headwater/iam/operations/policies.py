"""CreatePolicy, GetPolicy, DeletePolicy and ListPolicies (customer managed policies, and AWS
managed ones to read and list)."""

from __future__ import annotations

from typing import Any

from headwater.iam import documents, managed, names, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import DeleteConflict, EntityAlreadyExists, InvalidInput
from headwater.iam.operations.tags import checked_tags


def create_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreatePolicy."""
    name, path = request["PolicyName"], request.get("Path", "/")
    text = documents.check_managed(request["PolicyDocument"])
    tags = checked_tags(request.get("Tags") or [])
    with ctx.runtime.storage.transaction() as conn:
        if store.policy_named(conn, ctx.account, name) is not None:
            raise EntityAlreadyExists(f"A policy called {name} already exists. Duplicate "
                                      "names are not allowed.")
        row = store.insert_policy(conn, ctx.account, name, path, names.unique_id("ANPA"),
                                  names.policy_arn(ctx.account, path, name),
                                  request.get("Description"), text, ctx.runtime.clock.now(),
                                  tags)
        policy = managed.of_row(row)
        return {"Policy": managed.shape(conn, ctx.account, policy, tags=True)}


def get_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetPolicy."""
    conn = ctx.runtime.storage.conn
    policy = managed.get(conn, ctx.account, request["PolicyArn"])
    return {"Policy": managed.shape(conn, ctx.account, policy, description=True, tags=True)}


def delete_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeletePolicy: only once it is detached everywhere and has no other versions."""
    arn = request["PolicyArn"]
    with ctx.runtime.storage.transaction() as conn:
        policy = managed.get(conn, ctx.account, arn)
        if policy.row is None:
            raise InvalidInput(f"ARN {arn} is not valid.")
        if store.attachment_count(conn, ctx.account, arn):
            raise DeleteConflict("Cannot delete a policy attached to entities.")
        if len(store.versions(conn, policy.row.id)) > 1:
            raise DeleteConflict("This policy has more than one version. Before you delete a "
                                 "policy, you must delete the policy's non-default versions.")
        store.delete_policy(conn, policy.row.id)
    return {}


def list_policies(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListPolicies: Scope (All, AWS, Local), OnlyAttached, PathPrefix, PolicyUsageFilter,
    paging. No policy is ever a permissions boundary here (CreateRole/CreateUser refuse
    PermissionsBoundary), so that filter finds none."""
    if request.get("PolicyUsageFilter") == "PermissionsBoundary":
        return {"Policies": [], "IsTruncated": False}
    conn = ctx.runtime.storage.conn
    found = managed.everything(conn, ctx.account, request.get("Scope", "All"),
                               request.get("PathPrefix", "/"))
    if request.get("OnlyAttached"):
        attached = store.attached_arns(conn, ctx.account)
        found = [policy for policy in found if policy.arn in attached]
    chosen, more = paging.page(found, request, lambda policy: policy.name)
    return {"Policies": [managed.shape(conn, ctx.account, policy) for policy in chosen],
            **more}
