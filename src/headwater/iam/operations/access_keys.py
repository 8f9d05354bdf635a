"""CreateAccessKey, DeleteAccessKey, UpdateAccessKey and ListAccessKeys: long-term keys
(AKIA...) of IAM users, at most 2 per user. Without UserName, the caller's own user."""

from __future__ import annotations

from typing import Any

from headwater.iam import entities, names, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import LimitExceeded, NoSuchEntity, ValidationError
from headwater.iam.store import Principal

MAX_KEYS = 2


def _user(ctx: RequestContext, request: dict[str, Any]) -> Principal:
    name = request.get("UserName")
    if name is None:
        key = ctx.runtime.identities.lookup_key(ctx.access_key)
        if key is None or key.user_name is None:
            # Deviation: AWS would manage the root user's own keys here.
            raise ValidationError("Must specify userName when calling with non-User "
                                  "credentials")
        name = key.user_name
    return entities.user(ctx.runtime.storage.conn, ctx.account, name)


def _no_key(key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")


def create_access_key(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateAccessKey: the only answer that shows the secret."""
    user = _user(ctx, request)
    key_id, secret, now = names.access_key_id("AKIA"), names.secret_key(), ctx.runtime.clock.now()
    with ctx.runtime.storage.transaction() as conn:
        if len(store.keys_of(conn, user.id)) >= MAX_KEYS:
            raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
        store.insert_key(conn, user.id, key_id, secret, now)
        ctx.runtime.identities.changed()
    return {"AccessKey": {"UserName": user.name, "AccessKeyId": key_id, "Status": "Active",
                          "SecretAccessKey": secret, "CreateDate": now}}


def delete_access_key(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteAccessKey."""
    user = _user(ctx, request)
    key_id = request["AccessKeyId"]
    with ctx.runtime.storage.transaction() as conn:
        key = store.get_key(conn, key_id)
        if key is None or key.principal.id != user.id:
            raise _no_key(key_id)
        store.delete_key(conn, key_id)
        ctx.runtime.identities.changed()
    return {}


def update_access_key(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateAccessKey (Status Active or Inactive; an inactive key identifies no one)."""
    user = _user(ctx, request)
    key_id = request["AccessKeyId"]
    with ctx.runtime.storage.transaction() as conn:
        key = store.get_key(conn, key_id)
        if key is None or key.principal.id != user.id:
            raise _no_key(key_id)
        store.set_key_status(conn, key_id, request["Status"])
        ctx.runtime.identities.changed()
    return {}


def list_access_keys(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListAccessKeys (never the secrets)."""
    user = _user(ctx, request)
    keys = store.keys_of(ctx.runtime.storage.conn, user.id)
    return {"AccessKeyMetadata": [
        {"UserName": user.name, "AccessKeyId": key_id, "Status": status, "CreateDate": created}
        for key_id, status, created in keys], "IsTruncated": False}
