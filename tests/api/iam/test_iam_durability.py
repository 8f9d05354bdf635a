"""IAM's state survives a restart: roles with their trust and inline policies, attachments,
customer managed policies and versions, users and tags, access keys and role sessions (the
keys still identify their user and session). A server of its own on a temporary --data-dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iam_support import ALLOW_ALL, LAMBDA_TRUST
from server_support import Server, start_server


def _keys(credentials: dict[str, Any]) -> dict[str, str]:
    out = {"aws_access_key_id": credentials["AccessKeyId"],
           "aws_secret_access_key": credentials["SecretAccessKey"]}
    if "SessionToken" in credentials:
        out["aws_session_token"] = credentials["SessionToken"]
    return out


def _populate(server: Server) -> dict[str, Any]:
    iam = server.client("iam")
    role = iam.create_role(RoleName="durable", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                           Tags=[{"Key": "k", "Value": "v"}], MaxSessionDuration=7200)["Role"]
    iam.put_role_policy(RoleName="durable", PolicyName="inline",
                        PolicyDocument=json.dumps(ALLOW_ALL))
    arn = iam.create_policy(PolicyName="mine", PolicyDocument=json.dumps(ALLOW_ALL))[
        "Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_ALL),
                              SetAsDefault=True)
    iam.attach_role_policy(RoleName="durable", PolicyArn=arn)
    iam.attach_role_policy(RoleName="durable",
                           PolicyArn="arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    user = iam.create_user(UserName="alice")["User"]
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=json.dumps(ALLOW_ALL))
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    session = server.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="kept")
    return {"role": role, "user": user, "policy": arn, "key": key,
            "session": session["Credentials"]}


def test_iam_state_survives_a_restart(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = start_server("--data-dir", data)
    try:
        made = _populate(server)
    finally:
        server.stop()
    server = start_server("--data-dir", data)
    try:
        iam = server.client("iam")
        role = iam.get_role(RoleName="durable")["Role"]
        assert (role["RoleId"], role["MaxSessionDuration"], role["Tags"]) == (
            made["role"]["RoleId"], 7200, [{"Key": "k", "Value": "v"}])
        assert role["AssumeRolePolicyDocument"] == LAMBDA_TRUST
        assert iam.get_role_policy(RoleName="durable", PolicyName="inline")[
            "PolicyDocument"] == ALLOW_ALL
        attached = iam.list_attached_role_policies(RoleName="durable")["AttachedPolicies"]
        assert {p["PolicyArn"] for p in attached} == {
            made["policy"], "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}
        assert iam.get_policy(PolicyArn=made["policy"])["Policy"]["DefaultVersionId"] == "v2"
        assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["p"]
        assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="alice")[
            "AccessKeyMetadata"]] == [made["key"]["AccessKeyId"]]
        as_user = server.client("sts", **_keys(made["key"])).get_caller_identity()
        assert as_user["Arn"] == made["user"]["Arn"]
        as_session = server.client("sts", **_keys(made["session"])).get_caller_identity()
        assert as_session["Arn"] == "arn:aws:sts::000000000000:assumed-role/durable/kept"
    finally:
        server.stop()
