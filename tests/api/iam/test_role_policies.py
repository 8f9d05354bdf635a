"""PutRolePolicy, GetRolePolicy, ListRolePolicies and DeleteRolePolicy."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from iam_support import ALLOW_ALL
from server_support import expect_error


def test_put_get_list_delete(iam: Any, make_role: Callable[..., dict[str, Any]],
                             allow_all: str) -> None:
    name = make_role()["RoleName"]
    iam.put_role_policy(RoleName=name, PolicyName="b-policy", PolicyDocument=allow_all)
    iam.put_role_policy(RoleName=name, PolicyName="a-policy", PolicyDocument=allow_all)
    got = iam.get_role_policy(RoleName=name, PolicyName="b-policy")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == (
        name, "b-policy", ALLOW_ALL)
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["a-policy", "b-policy"]
    iam.delete_role_policy(RoleName=name, PolicyName="a-policy")
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["b-policy"]


def test_put_replaces_a_policy_of_the_same_name(iam: Any,
                                                make_role: Callable[..., dict[str, Any]],
                                                allow_all: str) -> None:
    name = make_role()["RoleName"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=allow_all)
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(deny))
    assert iam.get_role_policy(RoleName=name, PolicyName="p")["PolicyDocument"] == deny
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["p"]


def test_missing_policy_and_role(iam: Any, make_role: Callable[..., dict[str, Any]],
                                 allow_all: str) -> None:
    name = make_role()["RoleName"]
    for call in (iam.get_role_policy, iam.delete_role_policy):
        expect_error(call, "NoSuchEntity", "The role policy with name absent cannot be found.",
                     404, RoleName=name, PolicyName="absent")
    expect_error(iam.put_role_policy, "NoSuchEntity",
                 "The role with name no-role cannot be found.", 404, RoleName="no-role",
                 PolicyName="p", PolicyDocument=allow_all)


def test_malformed_documents_are_refused(iam: Any, make_role: Callable[..., dict[str, Any]]
                                         ) -> None:
    name = make_role()["RoleName"]
    expect_error(iam.put_role_policy, "MalformedPolicyDocument", "Syntax errors in policy.",
                 RoleName=name, PolicyName="p", PolicyDocument="{")
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []


def test_inline_policies_of_a_role_total_at_most_10240_characters(
        iam: Any, make_role: Callable[..., dict[str, Any]]) -> None:
    name = make_role()["RoleName"]
    statement = {"Effect": "Allow", "Action": "dynamodb:GetItem",
                 "Resource": "arn:aws:dynamodb:us-east-1:000000000000:table/" + "t" * 100}
    big = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 30})
    iam.put_role_policy(RoleName=name, PolicyName="first", PolicyDocument=big)
    iam.put_role_policy(RoleName=name, PolicyName="first", PolicyDocument=big)  # replaces
    expect_error(iam.put_role_policy, "LimitExceeded",
                 f"Maximum policy size of 10240 bytes exceeded for role {name}", 409,
                 RoleName=name, PolicyName="second", PolicyDocument=big)
