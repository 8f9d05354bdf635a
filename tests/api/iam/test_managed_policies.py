"""AWS managed policies (their published documents), customer managed policies and their
versions, and attaching either to roles and users."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from iam_support import ALLOW_ALL
from server_support import expect_error

AWS = "arn:aws:iam::aws:policy/"
LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
STREAM_READ = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
               "dynamodb:ListStreams"]
# Documents as the AWS Managed Policy Reference publishes them (default version).
EXACT = {
    "service-role/AWSLambdaBasicExecutionRole": ("v1", [
        {"Effect": "Allow", "Action": LOGS, "Resource": "*"}]),
    "service-role/AWSLambdaDynamoDBExecutionRole": ("v1", [
        {"Effect": "Allow", "Action": STREAM_READ + LOGS, "Resource": "*"}]),
    "service-role/AWSLambdaSQSQueueExecutionRole": ("v2", [
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage",
                                       "sqs:GetQueueAttributes", *LOGS], "Resource": "*"}]),
    "AWSLambdaInvocation-DynamoDB": ("v1", [
        {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": "*"},
        {"Effect": "Allow", "Action": STREAM_READ, "Resource": "*"}]),
    "AmazonSQSFullAccess": ("v1", [{"Action": ["sqs:*"], "Effect": "Allow", "Resource": "*"}]),
    "AmazonSNSFullAccess": ("v1", [{"Action": ["sns:*"], "Effect": "Allow", "Resource": "*"}]),
}
# Long documents: the actions that matter here, in their first statement.
INCLUDES = {
    "AmazonDynamoDBFullAccess": ("v22", ["dynamodb:*", "dax:*", "cloudwatch:PutMetricAlarm"]),
    "AmazonDynamoDBReadOnlyAccess": ("v15", [
        "dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:GetItem",
        "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect"]),
    "CloudWatchFullAccess": ("v5", ["cloudwatch:*", "logs:*", "sns:*"]),
}


def test_list_policies_scope_aws_lists_every_served_policy(iam: Any) -> None:
    listed = iam.list_policies(Scope="AWS")["Policies"]
    assert sorted(policy["Arn"] for policy in listed) == sorted(
        AWS + name for name in [*EXACT, *INCLUDES])
    assert all(policy["IsAttachable"] and policy["PolicyId"].startswith("ANPA")
               for policy in listed)


@pytest.mark.parametrize("name", sorted(EXACT))
def test_aws_managed_policy_documents(iam: Any, name: str) -> None:
    version, statements = EXACT[name]
    policy = iam.get_policy(PolicyArn=AWS + name)["Policy"]
    assert policy["DefaultVersionId"] == version
    assert policy["PolicyName"] == name.rpartition("/")[2]
    document = iam.get_policy_version(PolicyArn=AWS + name, VersionId=version)
    assert document["PolicyVersion"]["Document"] == {"Version": "2012-10-17",
                                                     "Statement": statements}
    assert document["PolicyVersion"]["IsDefaultVersion"] is True


@pytest.mark.parametrize("name", sorted(INCLUDES))
def test_long_aws_managed_policies_keep_the_statements_that_matter(iam: Any, name: str
                                                                    ) -> None:
    version, actions = INCLUDES[name]
    document = iam.get_policy_version(PolicyArn=AWS + name, VersionId=version)
    first = document["PolicyVersion"]["Document"]["Statement"][0]
    assert first["Effect"] == "Allow" and first["Resource"] == "*"
    assert set(actions) <= set(first["Action"])


def test_aws_policies_cannot_be_deleted_or_versioned(iam: Any) -> None:
    arn = AWS + "AmazonSQSFullAccess"
    expect_error(iam.get_policy_version, "NoSuchEntity",
                 f"Policy {arn} version v9 does not exist or is not attachable.", 404,
                 PolicyArn=arn, VersionId="v9")
    expect_error(iam.delete_policy, "InvalidInput", f"ARN {arn} is not valid.", PolicyArn=arn)


@pytest.fixture
def make_policy(iam: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    made: list[str] = []

    def make(document: dict[str, Any] = ALLOW_ALL, **kwargs: Any) -> str:
        kwargs.setdefault("PolicyName", unique("policy"))
        arn: str = iam.create_policy(PolicyDocument=json.dumps(document),
                                     **kwargs)["Policy"]["Arn"]
        made.append(arn)
        return arn

    yield make
    for arn in made:
        with suppress(iam.exceptions.NoSuchEntityException, iam.exceptions.ClientError):
            for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
            iam.delete_policy(PolicyArn=arn)


def test_customer_managed_policy_lifecycle(iam: Any, make_policy: Callable[..., str],
                                           unique: Callable[[str], str]) -> None:
    name = unique("policy")
    arn = make_policy(PolicyName=name, Path="/team/", Description="mine")
    assert arn == f"arn:aws:iam::000000000000:policy/team/{name}"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (policy["DefaultVersionId"], policy["AttachmentCount"], policy["Description"]) == (
        "v1", 0, "mine")
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"][
        "Document"] == ALLOW_ALL
    expect_error(iam.create_policy, "EntityAlreadyExists",
                 f"A policy called {name} already exists. Duplicate names are not allowed.",
                 409, PolicyName=name, PolicyDocument=json.dumps(ALLOW_ALL))
    local = [p["Arn"] for p in iam.list_policies(Scope="Local", PathPrefix="/team/")["Policies"]]
    assert arn in local
    assert arn not in [p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]]


def test_policy_versions(iam: Any, make_policy: Callable[..., str]) -> None:
    arn = make_policy()
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    created = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(deny),
                                        SetAsDefault=True)["PolicyVersion"]
    assert (created["VersionId"], created["IsDefaultVersion"]) == ("v2", True)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(deny))
    expect_error(iam.create_policy_version, "LimitExceeded",
                 "A managed policy can have up to 5 versions. Before you create a new "
                 "version, you must delete an existing version.", 409,
                 PolicyArn=arn, PolicyDocument=json.dumps(deny))
    expect_error(iam.delete_policy_version, "DeleteConflict",
                 "Cannot delete the default version of a policy.", 409,
                 PolicyArn=arn, VersionId="v2")
    expect_error(iam.delete_policy, "DeleteConflict",
                 "This policy has more than one version. Before you delete a policy, you must "
                 "delete the policy's non-default versions.", 409, PolicyArn=arn)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in listed] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["VersionId"] for v in listed if v["IsDefaultVersion"]] == ["v1"]


def test_attach_detach_and_list(iam: Any, make_role: Callable[..., dict[str, Any]],
                                make_user: Callable[..., dict[str, Any]],
                                make_policy: Callable[..., str]) -> None:
    role, user = make_role()["RoleName"], make_user()["UserName"]
    mine = make_policy()
    basic = AWS + "service-role/AWSLambdaBasicExecutionRole"
    iam.attach_role_policy(RoleName=role, PolicyArn=basic)
    iam.attach_role_policy(RoleName=role, PolicyArn=mine)
    iam.attach_role_policy(RoleName=role, PolicyArn=mine)  # again: no change
    iam.attach_user_policy(UserName=user, PolicyArn=mine)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert {p["PolicyArn"] for p in attached} == {basic, mine}
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == [
        {"PolicyName": mine.rpartition("/")[2], "PolicyArn": mine}]
    assert iam.get_policy(PolicyArn=mine)["Policy"]["AttachmentCount"] == 2
    assert mine in [p["Arn"] for p in iam.list_policies(OnlyAttached=True)["Policies"]]
    assert mine in [p["Arn"] for p in iam.list_policies(
        OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy")["Policies"]]
    assert iam.list_policies(PolicyUsageFilter="PermissionsBoundary")["Policies"] == []
    expect_error(iam.delete_policy, "DeleteConflict",
                 "Cannot delete a policy attached to entities.", 409, PolicyArn=mine)
    iam.detach_role_policy(RoleName=role, PolicyArn=mine)
    iam.detach_user_policy(UserName=user, PolicyArn=mine)
    expect_error(iam.detach_role_policy, "NoSuchEntity", f"Policy {mine} was not found.", 404,
                 RoleName=role, PolicyArn=mine)
    iam.delete_policy(PolicyArn=mine)
    expect_error(iam.get_policy, "NoSuchEntity", f"Policy {mine} was not found.", 404,
                 PolicyArn=mine)


def test_attach_refuses_unknown_and_invalid_policies(
        iam: Any, make_role: Callable[..., dict[str, Any]]) -> None:
    role = make_role()["RoleName"]
    unknown = AWS + "NoSuchPolicyHere"
    expect_error(iam.attach_role_policy, "NoSuchEntity",
                 f"Policy {unknown} does not exist or is not attachable.", 404,
                 RoleName=role, PolicyArn=unknown)
    expect_error(iam.attach_role_policy, "InvalidInput",
                 "ARN not-an-arn-of-a-policy is not valid.", RoleName=role,
                 PolicyArn="not-an-arn-of-a-policy")


def test_at_most_10_managed_policies_per_role(iam: Any,
                                              make_role: Callable[..., dict[str, Any]],
                                              make_policy: Callable[..., str]) -> None:
    role = make_role()["RoleName"]
    for _ in range(10):
        iam.attach_role_policy(RoleName=role, PolicyArn=make_policy())
    expect_error(iam.attach_role_policy, "LimitExceeded",
                 "Cannot exceed quota for PoliciesPerRole: 10", 409, RoleName=role,
                 PolicyArn=AWS + "AmazonSQSFullAccess")
