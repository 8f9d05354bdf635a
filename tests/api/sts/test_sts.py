"""GetCallerIdentity (root, IAM users, role sessions) and AssumeRole: session keys, their
expiry on the project clock, MaxSessionDuration, role chaining, and refusals."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from iam_support import LAMBDA_TRUST, remove_role
from server_support import Clock, client, expect_error


@pytest.fixture
def role(iam: Any, unique: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    name = unique("role")
    trusting = {"Version": "2012-10-17", "Statement": [
        *LAMBDA_TRUST["Statement"],
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
         "Action": "sts:AssumeRole"}]}
    yield iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trusting),
                          MaxSessionDuration=7200)["Role"]
    remove_role(iam, name)


def _as(endpoint: str, service: str, credentials: dict[str, Any]) -> Any:
    return client(service, endpoint, aws_access_key_id=credentials["AccessKeyId"],
                  aws_secret_access_key=credentials["SecretAccessKey"],
                  aws_session_token=credentials["SessionToken"])


def test_caller_identity_of_root(sts: Any, endpoint: str) -> None:
    identity = sts.get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        "000000000000", "arn:aws:iam::000000000000:root", "000000000000")
    other = client("sts", endpoint, aws_access_key_id="123456789012").get_caller_identity()
    assert (other["Account"], other["Arn"]) == ("123456789012",
                                                "arn:aws:iam::123456789012:root")


def test_assume_role_issues_session_keys(sts: Any, endpoint: str, clock: Clock,
                                         role: dict[str, Any]) -> None:
    before = clock.now()
    answer = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="worker-1",
                             DurationSeconds=1800)
    after = clock.now()
    credentials = answer["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert credentials["SessionToken"] and len(credentials["SecretAccessKey"]) == 40
    assert before + 1800 - 0.01 <= credentials["Expiration"].timestamp() <= after + 1800 + 0.01
    session_arn = f"arn:aws:sts::000000000000:assumed-role/{role['RoleName']}/worker-1"
    assert answer["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:worker-1",
                                         "Arn": session_arn}
    identity = _as(endpoint, "sts", credentials).get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        "000000000000", session_arn, f"{role['RoleId']}:worker-1")


def test_expiration_follows_the_project_clock(sts: Any, clock: Clock, role: dict[str, Any]
                                              ) -> None:
    first = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="first")["Credentials"]
    clock.advance(5000)
    second = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="second")["Credentials"]
    gap = second["Expiration"].timestamp() - first["Expiration"].timestamp()
    assert 5000 <= gap < 5060  # default duration: an hour after each call


def test_duration_limits(sts: Any, endpoint: str, role: dict[str, Any]) -> None:
    expect_error(sts.assume_role, "ValidationError",
                 "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                 "role.", RoleArn=role["Arn"], RoleSessionName="sess", DurationSeconds=7201)
    sts.assume_role(RoleArn=role["Arn"], RoleSessionName="sess", DurationSeconds=7200)
    error = expect_error(sts.assume_role, "ValidationError", RoleArn=role["Arn"],
                         RoleSessionName="sess", DurationSeconds=50000)
    assert "at 'durationSeconds' failed to satisfy constraint: Member must have value less " \
           "than or equal to 43200" in error["Error"]["Message"]
    session = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="sess")["Credentials"]
    chained = _as(endpoint, "sts", session)
    expect_error(chained.assume_role, "ValidationError",
                 "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                 "assumed by role chaining.", RoleArn=role["Arn"], RoleSessionName="chain",
                 DurationSeconds=3601)
    again = chained.assume_role(RoleArn=role["Arn"], RoleSessionName="chain")
    assert again["AssumedRoleUser"]["Arn"].endswith(f"/{role['RoleName']}/chain")


def test_a_role_that_does_not_exist_is_access_denied(sts: Any) -> None:
    arn = "arn:aws:iam::000000000000:role/never-created"
    expect_error(sts.assume_role, "AccessDenied",
                 "User: arn:aws:iam::000000000000:root is not authorized to perform: "
                 f"sts:AssumeRole on resource: {arn}", 403, RoleArn=arn, RoleSessionName="sess")


def test_a_malformed_session_policy_is_refused(sts: Any, role: dict[str, Any]) -> None:
    expect_error(sts.assume_role, "MalformedPolicyDocument", "Syntax errors in policy.",
                 RoleArn=role["Arn"], RoleSessionName="sess", Policy="{nope")


@pytest.mark.parametrize(("member", "value"), [
    ("Policy", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]})),
    ("PolicyArns", [{"arn": "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"}]),
    ("Tags", [{"Key": "team", "Value": "blue"}]),
    ("TransitiveTagKeys", ["team"]),
    ("SerialNumber", "arn:aws:iam::000000000000:mfa/someone"),
    ("TokenCode", "123456"),
    ("SourceIdentity", "someone"),
])
def test_unsupported_session_members_are_refused_not_ignored(
        sts: Any, role: dict[str, Any], member: str, value: Any) -> None:
    expect_error(sts.assume_role, "ValidationError",
                 f"Headwater does not support {member} in AssumeRole.", 400,
                 RoleArn=role["Arn"], RoleSessionName="sess", **{member: value})


def test_an_external_id_is_accepted(sts: Any, role: dict[str, Any]) -> None:
    """Without --enforce-iam no trust policy is checked; ExternalId feeds its condition key
    (tests/api/iam_enforcement/test_requests.py)."""
    sts.assume_role(RoleArn=role["Arn"], RoleSessionName="sess", ExternalId="partner-1")


def test_session_name_is_checked_by_the_model(sts: Any, role: dict[str, Any]) -> None:
    error = expect_error(sts.assume_role, "ValidationError", RoleArn=role["Arn"],
                         RoleSessionName="has space")
    assert "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular " \
           "expression pattern" in error["Error"]["Message"]


def test_sts_xml_namespace(endpoint: str) -> None:
    import urllib3

    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/sts/"
                                "aws4_request, SignedHeaders=host, Signature=x"}
    answer = urllib3.PoolManager().request("POST", endpoint + "/", headers=headers,
                                           body="Action=GetCallerIdentity&Version=2011-06-15")
    assert answer.data.startswith(b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com'
                                  b'/doc/2011-06-15/"><GetCallerIdentityResult>')
