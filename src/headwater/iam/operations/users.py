"""CreateUser, GetUser, DeleteUser and ListUsers."""

from __future__ import annotations

from typing import Any

from headwater.iam import entities, names, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import EntityAlreadyExists, not_supported
from headwater.iam.operations.tags import checked_tags


def create_user(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateUser. Deviation: a PermissionsBoundary is refused (not supported)."""
    if "PermissionsBoundary" in request:
        raise not_supported("PermissionsBoundary")
    name, path = request["UserName"], request.get("Path", "/")
    tags = checked_tags(request.get("Tags") or [])
    with ctx.runtime.storage.transaction() as conn:
        if store.get_principal(conn, ctx.account, "user", name) is not None:
            raise EntityAlreadyExists(f"User with name {name} already exists.")
        user = store.insert_principal(conn, ctx.account, "user", name, path,
                                      names.unique_id("AIDA"),
                                      names.entity_arn(ctx.account, "user", path, name),
                                      ctx.runtime.clock.now(), tags=tags)
    return {"User": entities.user_shape(user)}


def get_user(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetUser; without UserName, the caller's own user (an IAM user's key), else the
    account's root user."""
    conn = ctx.runtime.storage.conn
    name = request.get("UserName")
    if name is None:
        key = ctx.runtime.identities.lookup_key(ctx.access_key)
        if key is None or key.user_name is None:
            return {"User": {"UserId": ctx.account, "Arn": f"arn:aws:iam::{ctx.account}:root",
                             "CreateDate": 0.0, "Path": "/"}}
        name = key.user_name
    return {"User": entities.user_shape(entities.user(conn, ctx.account, name))}


def delete_user(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteUser: only once its policies are gone and its access keys deleted."""
    with ctx.runtime.storage.transaction() as conn:
        entities.delete(conn, ctx.account, "user", request["UserName"])
        ctx.runtime.identities.changed()
    return {}


def list_users(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListUsers (PathPrefix, Marker, MaxItems); users are listed without their tags."""
    users = store.list_principals(ctx.runtime.storage.conn, ctx.account, "user",
                                  request.get("PathPrefix", "/"), "", -1)
    chosen, more = paging.page(users, request, lambda user: user.name)
    return {"Users": [entities.user_shape(user, tags=False) for user in chosen], **more}
