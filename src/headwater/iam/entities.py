"""Users and roles (IAM's entities) as the IAM operations find and describe them: lookups
that raise IAM's NoSuchEntity, deletion, and the `Role` and `User` response shapes."""

from __future__ import annotations

import sqlite3
from typing import Any

from headwater.iam import documents, store
from headwater.iam.errors import DeleteConflict, no_such_role, no_such_user
from headwater.iam.store import Principal

NAME_MEMBER = {"role": "RoleName", "user": "UserName"}


def role(conn: sqlite3.Connection, account: str, name: str) -> Principal:
    found = store.get_principal(conn, account, "role", name)
    if found is None:
        raise no_such_role(name)
    return found


def user(conn: sqlite3.Connection, account: str, name: str) -> Principal:
    found = store.get_principal(conn, account, "user", name)
    if found is None:
        raise no_such_user(name)
    return found


def find(conn: sqlite3.Connection, account: str, kind: str, name: str) -> Principal:
    return role(conn, account, name) if kind == "role" else user(conn, account, name)


def named(conn: sqlite3.Connection, account: str, kind: str, request: dict[str, Any]
          ) -> Principal:
    """The role or user a request names in its RoleName or UserName."""
    return find(conn, account, kind, request[NAME_MEMBER[kind]])


def delete(conn: sqlite3.Connection, account: str, kind: str, name: str) -> None:
    """DeleteRole/DeleteUser: IAM refuses while the entity still has policies (or, a user,
    access keys)."""
    entity = find(conn, account, kind, name)
    if store.attached(conn, entity.id):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    if store.inline_policies(conn, entity.id):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if store.keys_of(conn, entity.id):
        raise DeleteConflict("Cannot delete entity, must delete access keys first.")
    store.delete_principal(conn, entity.id)


def role_shape(role: Principal, *, tags: bool = True) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": role.path, "RoleName": role.name, "RoleId": role.unique_id, "Arn": role.arn,
        "CreateDate": role.created,
        "AssumeRolePolicyDocument": documents.encoded(role.trust_policy or ""),
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description is not None:
        shape["Description"] = role.description
    if tags and role.tags:
        shape["Tags"] = role.tags
    return shape


def user_shape(user: Principal, *, tags: bool = True) -> dict[str, Any]:
    shape: dict[str, Any] = {"Path": user.path, "UserName": user.name, "UserId": user.unique_id,
                             "Arn": user.arn, "CreateDate": user.created}
    if tags and user.tags:
        shape["Tags"] = user.tags
    return shape
