"""PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on tables and streams
(issue 13 §5): revisions, ExpectedRevisionId, and AWS's errors. Enforcement of the policies
is tested in tests/api/iam_enforcement/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

ACCOUNT = "000000000000"


def _policy(arn: str, action: str = "dynamodb:GetItem") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": action, "Resource": arn}]})


def _arn(ddb: Any, table: str) -> str:
    return str(ddb.describe_table(TableName=table)["Table"]["TableArn"])


def test_put_get_and_delete_a_table_policy(ddb: Any, table: str) -> None:
    arn = _arn(ddb, table)
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(arn))["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert got["Policy"] == _policy(arn)
    assert got["RevisionId"] == revision
    # The same document again keeps its revision; another gets a new one.
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(arn))["RevisionId"] == revision
    newer = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(arn, "dynamodb:Query"))
    assert newer["RevisionId"] != revision
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == newer["RevisionId"]
    # Deleting again is no error.
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=arn)


def test_get_without_a_policy(ddb: Any, table: str,
                              expect_error: Callable[..., Any]) -> None:
    arn = _arn(ddb, table)
    expect_error(ddb.get_resource_policy, "PolicyNotFoundException",
                 f"Resource-based policy not found for the provided ResourceArn: {arn}",
                 ResourceArn=arn)


def test_expected_revision_must_match(ddb: Any, table: str,
                                      expect_error: Callable[..., Any]) -> None:
    arn = _arn(ddb, table)
    expect_error(ddb.put_resource_policy, "PolicyNotFoundException",
                 f"Resource-based policy not found for the provided ResourceArn: {arn}",
                 ResourceArn=arn, Policy=_policy(arn), ExpectedRevisionId="123")
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(arn),
                                       ExpectedRevisionId="NO_POLICY")["RevisionId"]
    expect_error(ddb.put_resource_policy, "PolicyNotFoundException",
                 "Resource-based policy not found for the provided ResourceArn: Requested "
                 f"policy update expecting none to be present for table {table}, but a policy "
                 f"exists with revision id {revision}.",
                 ResourceArn=arn, Policy=_policy(arn, "dynamodb:Scan"),
                 ExpectedRevisionId="NO_POLICY")
    expect_error(ddb.delete_resource_policy, "PolicyNotFoundException",
                 "Resource-based policy not found for the provided ResourceArn: Requested "
                 f"update for policy with revision id 1, but the policy associated to target "
                 f"table {table} has revision id {revision}.",
                 ResourceArn=arn, ExpectedRevisionId="1")
    ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=revision)


def test_a_stream_has_a_policy_of_its_own(ddb: Any, make_table: Callable[..., str],
                                          expect_error: Callable[..., Any]) -> None:
    name = make_table()
    ddb.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    table = ddb.describe_table(TableName=name)["Table"]
    stream = table["LatestStreamArn"]
    ddb.put_resource_policy(ResourceArn=stream, Policy=_policy(stream, "dynamodb:GetRecords"))
    assert ddb.get_resource_policy(ResourceArn=stream)["Policy"] == _policy(
        stream, "dynamodb:GetRecords")
    expect_error(ddb.get_resource_policy, "PolicyNotFoundException",
                 f"Resource-based policy not found for the provided ResourceArn: "
                 f"{table['TableArn']}", ResourceArn=table["TableArn"])
    # The table's deletion removes its stream's policy too.
    ddb.delete_table(TableName=name)
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    expect_error(ddb.get_resource_policy, "PolicyNotFoundException", ResourceArn=stream)


def test_errors(ddb: Any, expect_error: Callable[..., Any], table: str) -> None:
    missing = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/nosuchtable"
    expect_error(ddb.get_resource_policy, "ResourceNotFoundException",
                 "Requested resource not found: Table: nosuchtable not found",
                 ResourceArn=missing)
    expect_error(ddb.put_resource_policy, "ResourceNotFoundException",
                 "Requested resource not found: Table: nosuchtable not found",
                 ResourceArn=missing, Policy=_policy(missing))
    backup = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}/backup/0170"
    expect_error(ddb.get_resource_policy, "ValidationException",
                 "One or more parameter values were invalid: Provided Arn is not a DynamoDB "
                 f"resource arn: {backup}", ResourceArn=backup)
    arn = _arn(ddb, table)
    expect_error(ddb.put_resource_policy, "ValidationException", ResourceArn=arn,
                 Policy="{not json")
