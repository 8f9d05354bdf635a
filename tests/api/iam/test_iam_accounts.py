"""IAM is scoped by account (a 12-digit access key id selects it, as everywhere): each account
has its own roles, users and customer managed policies under the same names, sees only its
own, and keys IAM issues act in the account that issued them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from iam_support import ALLOW_ALL, LAMBDA_TRUST
from server_support import Server, expect_error, serving

A, B = "111111111111", "222222222222"


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    yield from serving("--in-memory")


def _iam(server: Server, account: str) -> Any:
    return server.client("iam", aws_access_key_id=account)


def test_accounts_have_their_own_entities(own_server: Server) -> None:
    trust = json.dumps(LAMBDA_TRUST)
    in_a, in_b = _iam(own_server, A), _iam(own_server, B)
    role_a = in_a.create_role(RoleName="same", AssumeRolePolicyDocument=trust)["Role"]
    role_b = in_b.create_role(RoleName="same", AssumeRolePolicyDocument=trust)["Role"]
    assert (role_a["Arn"], role_b["Arn"]) == (f"arn:aws:iam::{A}:role/same",
                                              f"arn:aws:iam::{B}:role/same")
    in_a.create_role(RoleName="only-a", AssumeRolePolicyDocument=trust)
    assert [r["RoleName"] for r in in_b.list_roles()["Roles"]] == ["same"]
    expect_error(in_b.get_role, "NoSuchEntity", "The role with name only-a cannot be found.",
                 404, RoleName="only-a")
    policy_a = in_a.create_policy(PolicyName="p", PolicyDocument=json.dumps(ALLOW_ALL))[
        "Policy"]["Arn"]
    expect_error(in_b.get_policy, "NoSuchEntity", f"Policy {policy_a} was not found.", 404,
                 PolicyArn=policy_a)
    expect_error(in_b.attach_role_policy, "NoSuchEntity",
                 f"Policy {policy_a} does not exist or is not attachable.", 404,
                 RoleName="same", PolicyArn=policy_a)
    assert [p["Arn"] for p in in_b.list_policies(Scope="Local")["Policies"]] == []


def test_issued_keys_act_in_their_account(own_server: Server) -> None:
    in_b = _iam(own_server, B)
    in_b.create_user(UserName="bob")
    key = in_b.create_access_key(UserName="bob")["AccessKey"]
    as_bob = {"aws_access_key_id": key["AccessKeyId"],
              "aws_secret_access_key": key["SecretAccessKey"]}
    identity = own_server.client("sts", **as_bob).get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (B, f"arn:aws:iam::{B}:user/bob")
    # Bob's key works in account B: he sees B's users, not A's.
    assert [u["UserName"] for u in own_server.client("iam", **as_bob).list_users()["Users"]] \
        == ["bob"]


def test_assuming_another_accounts_role_gives_a_session_there(own_server: Server) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
         "Action": "sts:AssumeRole"}]})
    role = _iam(own_server, A).create_role(RoleName="for-b",
                                           AssumeRolePolicyDocument=trust)["Role"]
    sts_b = own_server.client("sts", aws_access_key_id=B)
    credentials = sts_b.assume_role(RoleArn=role["Arn"], RoleSessionName="visit")["Credentials"]
    identity = own_server.client(
        "sts", aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"]).get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (
        A, f"arn:aws:sts::{A}:assumed-role/for-b/visit")
