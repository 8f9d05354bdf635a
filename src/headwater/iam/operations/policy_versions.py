"""GetPolicyVersion, CreatePolicyVersion, ListPolicyVersions, DeletePolicyVersion and
SetDefaultPolicyVersion: at most 5 versions a policy; the default one cannot be deleted."""

from __future__ import annotations

from typing import Any

from headwater.iam import documents, managed, store
from headwater.iam.context import RequestContext
from headwater.iam.errors import DeleteConflict, InvalidInput, LimitExceeded, NoSuchEntity
from headwater.iam.managed import Policy
from headwater.iam.managed_policies import aws_policies

MAX_VERSIONS = 5


def _no_version(arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not "
                        "attachable.")


def _version_shape(version_id: str, document: str | None, default: bool, created: float
                   ) -> dict[str, Any]:
    shape: dict[str, Any] = {"VersionId": version_id, "IsDefaultVersion": default,
                             "CreateDate": created}
    if document is not None:
        shape["Document"] = documents.encoded(document)
    return shape


def _own(ctx: RequestContext, arn: str) -> tuple[Policy, store.ManagedPolicy]:
    policy = managed.get(ctx.runtime.storage.conn, ctx.account, arn)
    if policy.row is None:
        raise InvalidInput(f"ARN {arn} is not valid.")
    return policy, policy.row


def get_policy_version(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetPolicyVersion (AWS managed policies: their default version only)."""
    arn, version_id = request["PolicyArn"], request["VersionId"]
    conn = ctx.runtime.storage.conn
    policy = managed.get(conn, ctx.account, arn)
    if policy.row is None:
        if version_id != policy.default_version:
            raise _no_version(arn, version_id)
        text = aws_policies()[arn].document
        return {"PolicyVersion": _version_shape(version_id, text, True, policy.updated)}
    version = store.get_version(conn, policy.row.id, version_id)
    if version is None:
        raise _no_version(arn, version_id)
    return {"PolicyVersion": _version_shape(version_id, version.document,
                                            version_id == policy.default_version,
                                            version.created)}


def create_policy_version(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreatePolicyVersion (SetAsDefault makes it the default)."""
    text = documents.check_managed(request["PolicyDocument"])
    _, row = _own(ctx, request["PolicyArn"])
    now = ctx.runtime.clock.now()
    with ctx.runtime.storage.transaction() as conn:
        if len(store.versions(conn, row.id)) >= MAX_VERSIONS:
            raise LimitExceeded("A managed policy can have up to 5 versions. Before you "
                                "create a new version, you must delete an existing version.")
        version_id = f"v{row.next_version}"
        store.insert_version(conn, row.id, version_id, text, now)
        default = bool(request.get("SetAsDefault"))
        store.set_versions(conn, row.id, version_id if default else row.default_version,
                           row.next_version + 1, now)
        ctx.runtime.identities.changed()
    return {"PolicyVersion": _version_shape(version_id, None, default, now)}


def list_policy_versions(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListPolicyVersions, newest first."""
    arn = request["PolicyArn"]
    conn = ctx.runtime.storage.conn
    policy = managed.get(conn, ctx.account, arn)
    if policy.row is None:
        listed = [_version_shape(policy.default_version, None, True, policy.updated)]
    else:
        listed = [_version_shape(version.version_id, None,
                                 version.version_id == policy.default_version, version.created)
                  for version in reversed(store.versions(conn, policy.row.id))]
    return {"Versions": listed, "IsTruncated": False}


def delete_policy_version(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeletePolicyVersion (not the default one)."""
    arn, version_id = request["PolicyArn"], request["VersionId"]
    _, row = _own(ctx, arn)
    with ctx.runtime.storage.transaction() as conn:
        if store.get_version(conn, row.id, version_id) is None:
            raise _no_version(arn, version_id)
        if version_id == row.default_version:
            raise DeleteConflict("Cannot delete the default version of a policy.")
        store.delete_version(conn, row.id, version_id)
    return {}


def set_default_policy_version(ctx: RequestContext, request: dict[str, Any]
                               ) -> dict[str, Any]:
    """SetDefaultPolicyVersion."""
    arn, version_id = request["PolicyArn"], request["VersionId"]
    _, row = _own(ctx, arn)
    with ctx.runtime.storage.transaction() as conn:
        if store.get_version(conn, row.id, version_id) is None:
            raise _no_version(arn, version_id)
        store.set_versions(conn, row.id, version_id, row.next_version, ctx.runtime.clock.now())
        ctx.runtime.identities.changed()
    return {}
