"""Managed policies as the IAM operations see them: AWS's (iam/managed_policies/, the same in
every account) and the account's own (customer managed, iam_policies), behind one view with
the `Policy` response shape."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from headwater.iam import store
from headwater.iam.errors import InvalidInput, no_such_policy
from headwater.iam.managed_policies import aws_policies
from headwater.iam.names import AWS_POLICY_PREFIX

ARN_PREFIX = "arn:aws:iam::"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    path: str
    arn: str
    policy_id: str
    default_version: str
    created: float
    updated: float
    description: str | None
    row: store.ManagedPolicy | None  # None for an AWS managed policy


def find(conn: sqlite3.Connection, account: str, arn: str) -> Policy | None:
    """The managed policy `arn` names that `account` can see, or None."""
    if not arn.startswith(ARN_PREFIX) or ":policy/" not in arn:
        raise InvalidInput(f"ARN {arn} is not valid.")
    if arn.startswith(AWS_POLICY_PREFIX):
        aws = aws_policies().get(arn)
        if aws is None:
            return None
        return Policy(aws.name, aws.path, aws.arn, aws.policy_id, aws.default_version,
                      aws.created, aws.updated, aws.description, None)
    row = store.get_policy(conn, arn)
    if row is None or row.account != account:
        return None
    return of_row(row)


def get(conn: sqlite3.Connection, account: str, arn: str) -> Policy:
    policy = find(conn, account, arn)
    if policy is None:
        raise no_such_policy(arn)
    return policy


def of_row(row: store.ManagedPolicy) -> Policy:
    return Policy(row.name, row.path, row.arn, row.policy_id, row.default_version, row.created,
                  row.updated, row.description, row)


def everything(conn: sqlite3.Connection, account: str, scope: str, path_prefix: str
               ) -> list[Policy]:
    """The policies ListPolicies' Scope (All, AWS, Local) selects, by name."""
    found: list[Policy] = []
    if scope in ("All", "AWS"):
        found.extend(Policy(aws.name, aws.path, aws.arn, aws.policy_id, aws.default_version,
                            aws.created, aws.updated, aws.description, None)
                     for aws in aws_policies().values() if aws.path.startswith(path_prefix))
    if scope in ("All", "Local"):
        found.extend(of_row(row) for row in store.list_policies(conn, account, path_prefix))
    return sorted(found, key=lambda policy: policy.name.lower())


def shape(conn: sqlite3.Connection, account: str, policy: Policy, *, description: bool = False,
          tags: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "PolicyName": policy.name, "PolicyId": policy.policy_id, "Arn": policy.arn,
        "Path": policy.path, "DefaultVersionId": policy.default_version,
        "AttachmentCount": store.attachment_count(conn, account, policy.arn),
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
        "CreateDate": policy.created, "UpdateDate": policy.updated,
    }
    if description and policy.description is not None:
        out["Description"] = policy.description
    if tags and policy.row is not None:
        policy_tags = store.policy_tags(conn, policy.row.id)
        if policy_tags:
            out["Tags"] = policy_tags
    return out
