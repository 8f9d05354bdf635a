"""CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy and DeleteRole."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from iam_support import LAMBDA_TRUST
from server_support import expect_error


def test_create_role_answers_the_role(iam: Any, make_role: Callable[..., dict[str, Any]],
                                      unique: Callable[[str], str]) -> None:
    name = unique("role")
    role = make_role(RoleName=name, Path="/service/", Description="for tests")
    assert role["RoleName"] == name
    assert role["Path"] == "/service/"
    assert role["Arn"] == f"arn:aws:iam::000000000000:role/service/{name}"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role["RoleId"])
    assert role["AssumeRolePolicyDocument"] == LAMBDA_TRUST
    assert role["MaxSessionDuration"] == 3600
    assert role["Description"] == "for tests"
    fetched = iam.get_role(RoleName=name)["Role"]
    assert {key: fetched[key] for key in role} == role


def test_names_are_unique_ignoring_case(iam: Any, make_role: Callable[..., dict[str, Any]],
                                        trust: str) -> None:
    role = make_role()
    expect_error(iam.create_role, "EntityAlreadyExists",
                 f"Role with name {role['RoleName'].upper()} already exists.", 409,
                 RoleName=role["RoleName"].upper(), AssumeRolePolicyDocument=trust)
    assert iam.get_role(RoleName=role["RoleName"].upper())["Role"]["Arn"] == role["Arn"]


def test_missing_role_is_no_such_entity(iam: Any) -> None:
    for call, kwargs in ((iam.get_role, {}), (iam.delete_role, {}),
                         (iam.list_role_policies, {}), (iam.list_attached_role_policies, {}),
                         (iam.update_role, {"Description": "x"})):
        expect_error(call, "NoSuchEntity", "The role with name nothing-here cannot be found.",
                     404, RoleName="nothing-here", **kwargs)


def test_model_constraints_give_validation_errors(iam: Any, trust: str) -> None:
    expect_error(iam.create_role, "ValidationError",
                 "1 validation error detected: Value 'bad name!' at 'roleName' failed to "
                 "satisfy constraint: Member must satisfy regular expression pattern: "
                 "[\\w+=,.@-]+", RoleName="bad name!", AssumeRolePolicyDocument=trust)
    expect_error(iam.create_role, "ValidationError",
                 "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to "
                 "satisfy constraint: Member must have value less than or equal to 43200",
                 RoleName="long", AssumeRolePolicyDocument=trust, MaxSessionDuration=50000)


def test_a_malformed_trust_policy_is_refused(iam: Any, unique: Callable[[str], str]) -> None:
    name = unique("role")
    expect_error(iam.create_role, "MalformedPolicyDocument", "Syntax errors in policy.",
                 RoleName=name, AssumeRolePolicyDocument="{not json")
    expect_error(iam.get_role, "NoSuchEntity", status=404, RoleName=name)


def test_a_permissions_boundary_is_refused_not_ignored(iam: Any,
                                                      unique: Callable[[str], str]) -> None:
    name = unique("role")
    expect_error(iam.create_role, "ValidationError",
                 "Headwater does not support PermissionsBoundary.", 400, RoleName=name,
                 AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                 PermissionsBoundary="arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")
    expect_error(iam.get_role, "NoSuchEntity", status=404, RoleName=name)


def test_a_trust_policy_over_2048_characters_is_refused(iam: Any) -> None:
    statement = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                 "Action": "sts:AssumeRole"}
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 40})
    expect_error(iam.create_role, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048",
                 409, RoleName="too-big", AssumeRolePolicyDocument=document)


def test_update_role_and_its_trust_policy(iam: Any, make_role: Callable[..., dict[str, Any]]
                                          ) -> None:
    name = make_role()["RoleName"]
    iam.update_role(RoleName=name, Description="changed", MaxSessionDuration=7200)
    trusted = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
         "Action": "sts:AssumeRole"}]}
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trusted))
    role = iam.get_role(RoleName=name)["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("changed", 7200)
    assert role["AssumeRolePolicyDocument"] == trusted
    expect_error(iam.update_assume_role_policy, "MalformedPolicyDocument",
                 "Syntax errors in policy.", RoleName=name, PolicyDocument="[")


def test_list_roles_pages_and_filters_by_path(iam: Any,
                                              make_role: Callable[..., dict[str, Any]],
                                              unique: Callable[[str], str]) -> None:
    path = f"/{unique('p')}/"
    names = sorted(make_role(Path=path)["RoleName"] for _ in range(5))
    first = iam.list_roles(PathPrefix=path, MaxItems=3)
    assert [role["RoleName"] for role in first["Roles"]] == names[:3]
    assert first["IsTruncated"] is True
    second = iam.list_roles(PathPrefix=path, MaxItems=3, Marker=first["Marker"])
    assert [role["RoleName"] for role in second["Roles"]] == names[3:]
    assert second["IsTruncated"] is False
    assert all("Tags" not in role for role in first["Roles"])


def test_delete_role_refuses_while_policies_remain(
        iam: Any, make_role: Callable[..., dict[str, Any]], allow_all: str) -> None:
    name = make_role()["RoleName"]
    arn = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
    iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=allow_all)
    expect_error(iam.delete_role, "DeleteConflict",
                 "Cannot delete entity, must detach all policies first.", 409, RoleName=name)
    iam.detach_role_policy(RoleName=name, PolicyArn=arn)
    expect_error(iam.delete_role, "DeleteConflict",
                 "Cannot delete entity, must delete policies first.", 409, RoleName=name)
    iam.delete_role_policy(RoleName=name, PolicyName="inline")
    iam.delete_role(RoleName=name)
    expect_error(iam.get_role, "NoSuchEntity", status=404, RoleName=name)


def test_the_response_is_iam_xml(endpoint: str, make_role: Callable[..., dict[str, Any]]
                                 ) -> None:
    import urllib3

    name = make_role()["RoleName"]
    body = f"Action=GetRole&Version=2010-05-08&RoleName={name}"
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/iam/"
                                "aws4_request, SignedHeaders=host, Signature=x"}
    http = urllib3.PoolManager()
    answer = http.request("POST", endpoint + "/", body=body, headers=headers)
    assert answer.data.startswith(
        b'<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult>')
    missing = http.request("POST", endpoint + "/", headers=headers,
                           body="Action=GetRole&Version=2010-05-08&RoleName=absent")
    assert missing.status == 404
    assert missing.data.startswith(
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
        b"<Type>Sender</Type><Code>NoSuchEntity</Code>"
        b"<Message>The role with name absent cannot be found.</Message></Error>")
