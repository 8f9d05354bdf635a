"""Inline policies of roles and users: Put/Get/Delete/ListRolePolicies and the same for
users. A put replaces a policy of the same name (names compare ignoring case)."""

from __future__ import annotations

from typing import Any

from headwater.iam import documents, entities, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import NoSuchEntity


def _put(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    text = documents.check(request["PolicyDocument"])
    name = request["PolicyName"]
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.named(conn, ctx.account, kind, request)
        others = [doc for other, doc in store.inline_policies(conn, entity.id)
                  if other.lower() != name.lower()]
        documents.check_inline_total(kind, entity.name, [*others, text])
        store.put_inline(conn, entity.id, name, text)
        ctx.runtime.identities.changed()
    return {}


def _get(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    conn = ctx.runtime.storage.conn
    entity = entities.named(conn, ctx.account, kind, request)
    found = store.get_inline(conn, entity.id, request["PolicyName"])
    if found is None:
        raise NoSuchEntity(f"The {kind} policy with name {request['PolicyName']} cannot be "
                           "found.")
    return {entities.NAME_MEMBER[kind]: entity.name, "PolicyName": found[0],
            "PolicyDocument": documents.encoded(found[1])}


def _delete(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.named(conn, ctx.account, kind, request)
        if not store.delete_inline(conn, entity.id, request["PolicyName"]):
            raise NoSuchEntity(f"The {kind} policy with name {request['PolicyName']} cannot "
                               "be found.")
        ctx.runtime.identities.changed()
    return {}


def _list(ctx: RequestContext, kind: str, request: dict[str, Any]) -> dict[str, Any]:
    conn = ctx.runtime.storage.conn
    entity = entities.named(conn, ctx.account, kind, request)
    names = [name for name, _ in store.inline_policies(conn, entity.id)]
    chosen, more = paging.page(names, request, lambda name: name)
    return {"PolicyNames": chosen, **more}


def put_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PutRolePolicy."""
    return _put(ctx, "role", request)


def get_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetRolePolicy."""
    return _get(ctx, "role", request)


def delete_role_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteRolePolicy."""
    return _delete(ctx, "role", request)


def list_role_policies(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListRolePolicies."""
    return _list(ctx, "role", request)


def put_user_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PutUserPolicy."""
    return _put(ctx, "user", request)


def get_user_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetUserPolicy."""
    return _get(ctx, "user", request)


def delete_user_policy(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteUserPolicy."""
    return _delete(ctx, "user", request)


def list_user_policies(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListUserPolicies."""
    return _list(ctx, "user", request)
