"""CreateRole, GetRole, DeleteRole, ListRoles, UpdateRole and UpdateAssumeRolePolicy."""

from __future__ import annotations

from typing import Any

from headwater.iam import documents, entities, names, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import EntityAlreadyExists, not_supported
from headwater.iam.operations.tags import checked_tags

DEFAULT_MAX_SESSION = 3600


def create_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateRole. Deviation: a PermissionsBoundary is refused (not supported)."""
    if "PermissionsBoundary" in request:
        raise not_supported("PermissionsBoundary")
    name, path = request["RoleName"], request.get("Path", "/")
    trust = documents.check_trust(request["AssumeRolePolicyDocument"])
    tags = checked_tags(request.get("Tags") or [])
    identities = ctx.runtime.identities
    with ctx.runtime.storage.transaction() as conn:
        if store.get_principal(conn, ctx.account, "role", name) is not None:
            raise EntityAlreadyExists(f"Role with name {name} already exists.")
        role = store.insert_principal(
            conn, ctx.account, "role", name, path, names.unique_id("AROA"),
            names.entity_arn(ctx.account, "role", path, name), ctx.runtime.clock.now(),
            trust_policy=trust, description=request.get("Description"),
            max_session_duration=request.get("MaxSessionDuration", DEFAULT_MAX_SESSION),
            tags=tags)
        identities.changed()
    return {"Role": entities.role_shape(role)}


def get_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetRole. Deviation: RoleLastUsed is always empty."""
    role = entities.role(ctx.runtime.storage.conn, ctx.account, request["RoleName"])
    return {"Role": {**entities.role_shape(role), "RoleLastUsed": {}}}


def delete_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteRole: only once its managed policies are detached and inline ones deleted."""
    with ctx.runtime.storage.transaction() as conn:
        entities.delete(conn, ctx.account, "role", request["RoleName"])
        ctx.runtime.identities.changed()
    return {}


def list_roles(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListRoles (PathPrefix, Marker, MaxItems); roles are listed without their tags."""
    roles = store.list_principals(ctx.runtime.storage.conn, ctx.account, "role",
                                  request.get("PathPrefix", "/"), "", -1)
    chosen, more = paging.page(roles, request, lambda role: role.name)
    return {"Roles": [entities.role_shape(role, tags=False) for role in chosen], **more}


def update_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateRole: Description and MaxSessionDuration."""
    with ctx.runtime.storage.transaction() as conn:
        role = entities.role(conn, ctx.account, request["RoleName"])
        fields = {column: request[member] for member, column in (
            ("Description", "description"), ("MaxSessionDuration", "max_session_duration"))
            if member in request}
        if fields:
            store.update_principal(conn, role.id, **fields)
            ctx.runtime.identities.changed()
    return {}


def update_assume_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateAssumeRolePolicy."""
    trust = documents.check_trust(request["PolicyDocument"])
    with ctx.runtime.storage.transaction() as conn:
        role = entities.role(conn, ctx.account, request["RoleName"])
        store.update_principal(conn, role.id, trust_policy=trust)
        ctx.runtime.identities.changed()
    return {}

