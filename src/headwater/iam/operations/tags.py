"""TagRole, UntagRole, ListRoleTags, TagUser, UntagUser, ListUserTags: at most 50 tags per
entity, keys unique ignoring case (a new value replaces the old one)."""

from __future__ import annotations

from typing import Any

from headwater.iam import entities, paging, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import InvalidInput, LimitExceeded

MAX_TAGS = 50


def checked_tags(tags: list[dict[str, str]]) -> list[dict[str, str]]:
    keys = [tag["Key"].lower() for tag in tags]
    if len(set(keys)) != len(keys):
        raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are "
                           "case insensitive.")
    if len(tags) > MAX_TAGS:
        raise LimitExceeded(f"Cannot exceed quota for TagsPerEntity: {MAX_TAGS}")
    return [{"Key": tag["Key"], "Value": tag.get("Value", "")} for tag in tags]


def merged(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    new = checked_tags(new)
    replaced = {tag["Key"].lower() for tag in new}
    tags = [tag for tag in old if tag["Key"].lower() not in replaced] + new
    if len(tags) > MAX_TAGS:
        raise LimitExceeded(f"Cannot exceed quota for TagsPerEntity: {MAX_TAGS}")
    return tags


def _tag(ctx: RequestContext, kind: str, name: str, tags: list[dict[str, str]]) -> None:
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.find(conn, ctx.account, kind, name)
        store.update_principal(conn, entity.id, tags=merged(entity.tags, tags))


def _untag(ctx: RequestContext, kind: str, name: str, keys: list[str]) -> None:
    gone = {key.lower() for key in keys}
    with ctx.runtime.storage.transaction() as conn:
        entity = entities.find(conn, ctx.account, kind, name)
        store.update_principal(conn, entity.id, tags=[
            tag for tag in entity.tags if tag["Key"].lower() not in gone])


def _list(ctx: RequestContext, kind: str, name: str, request: dict[str, Any]
          ) -> dict[str, Any]:
    entity = entities.find(ctx.runtime.storage.conn, ctx.account, kind, name)
    chosen, more = paging.page(entity.tags, request, lambda tag: tag["Key"])
    return {"Tags": chosen, **more}


def tag_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagRole."""
    _tag(ctx, "role", request["RoleName"], request["Tags"])
    return {}


def untag_role(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagRole."""
    _untag(ctx, "role", request["RoleName"], request["TagKeys"])
    return {}


def list_role_tags(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListRoleTags."""
    return _list(ctx, "role", request["RoleName"], request)


def tag_user(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TagUser."""
    _tag(ctx, "user", request["UserName"], request["Tags"])
    return {}


def untag_user(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UntagUser."""
    _untag(ctx, "user", request["UserName"], request["TagKeys"])
    return {}


def list_user_tags(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListUserTags."""
    return _list(ctx, "user", request["UserName"], request)
