"""AddPermission, RemovePermission and GetPolicy (issue 13 §5): the function's resource-based
policy as Lambda builds it, revisions and errors. Enforcement is tested in
tests/api/iam_enforcement/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from functions_support import Factory

ARN = "arn:aws:lambda:us-east-1:000000000000:function:{}"


def test_statements_as_lambda_writes_them(lambda_: Any, make_function: Factory) -> None:
    name = make_function()
    added = lambda_.add_permission(
        FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bucket",
        SourceAccount="111111111111")
    statement = {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                 "Action": "lambda:InvokeFunction", "Resource": ARN.format(name),
                 "Condition": {"StringEquals": {"AWS:SourceAccount": "111111111111"},
                               "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}}
    assert json.loads(added["Statement"]) == statement
    lambda_.add_permission(FunctionName=name, StatementId="acct",
                           Action="lambda:InvokeFunction", Principal="222222222222")
    policy = lambda_.get_policy(FunctionName=name)
    document = json.loads(policy["Policy"])
    assert document["Version"] == "2012-10-17"
    assert document["Statement"] == [statement, {
        "Sid": "acct", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": "lambda:InvokeFunction", "Resource": ARN.format(name)}]
    assert policy["RevisionId"]


def test_remove_and_revisions(lambda_: Any, make_function: Factory,
                              expect_error: Callable[..., Any]) -> None:
    name = make_function()
    expect_error(lambda_.get_policy, "ResourceNotFoundException",
                 "The resource you requested does not exist.", status=404, FunctionName=name)
    lambda_.add_permission(FunctionName=name, StatementId="one",
                           Action="lambda:InvokeFunction", Principal="*")
    expect_error(lambda_.add_permission, "ResourceConflictException",
                 "The statement id (one) provided already exists. Please choose a new "
                 "statement id, or remove the existing statement.", status=409,
                 FunctionName=name, StatementId="one", Action="lambda:InvokeFunction",
                 Principal="*")
    expect_error(lambda_.add_permission, "PreconditionFailedException",
                 "The Revision Id provided does not match the latest Revision Id. Call the "
                 "GetPolicy API to retrieve the latest Revision Id", status=412,
                 FunctionName=name, StatementId="two", Action="lambda:InvokeFunction",
                 Principal="*", RevisionId="stale")
    expect_error(lambda_.remove_permission, "ResourceNotFoundException",
                 "Statement nope is not found in resource policy.", status=404,
                 FunctionName=name, StatementId="nope")
    revision = lambda_.get_policy(FunctionName=name)["RevisionId"]
    lambda_.remove_permission(FunctionName=name, StatementId="one", RevisionId=revision)
    expect_error(lambda_.get_policy, "ResourceNotFoundException", status=404,
                 FunctionName=name)


def test_missing_function(lambda_: Any, expect_error: Callable[..., Any]) -> None:
    expect_error(lambda_.add_permission, "ResourceNotFoundException",
                 f"Function not found: {ARN.format('no-such-fn')}", status=404,
                 FunctionName="no-such-fn", StatementId="x", Action="lambda:InvokeFunction",
                 Principal="*")


def test_deleting_the_function_drops_its_policy(lambda_: Any, make_function: Factory,
                                                expect_error: Callable[..., Any]) -> None:
    name = make_function()
    lambda_.add_permission(FunctionName=name, StatementId="one",
                           Action="lambda:InvokeFunction", Principal="*")
    lambda_.delete_function(FunctionName=name)
    make_function(FunctionName=name)
    expect_error(lambda_.get_policy, "ResourceNotFoundException", status=404,
                 FunctionName=name)
