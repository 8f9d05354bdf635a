"""iam/patterns.py: IAM wildcards in actions and ARNs, policy variables, and compilation once
(no regex is compiled while evaluating a policy without variables)."""

from __future__ import annotations

import json
import re

import pytest

from headwater.iam.evaluation import AuthzRequest, evaluate
from headwater.iam.patterns import compile_patterns
from headwater.iam.policy_documents import parse_policy


@pytest.mark.parametrize(("pattern", "value", "matches"), [
    ("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:111111111111:table/T", True),
    ("arn:aws:dynamodb:*:*:table/T", "arn:aws:dynamodb:us-east-1:111111111111:table/T2", False),
    ("arn:aws:dynamodb:*:*:table/T*", "arn:aws:dynamodb:us-east-1:1:table/T/index/I", True),
    ("arn:aws:dynamodb:us-east-?:*:table/T", "arn:aws:dynamodb:us-east-1:1:table/T", True),
    ("arn:aws:dynamodb:us-east-?:*:table/T", "arn:aws:dynamodb:us-east-12:1:table/T", False),
    ("arn:aws:logs:*:*:log-group:/aws/lambda/f:*",
     "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/f:log-stream:s", True),
    ("arn:aws:sqs:*", "arn:aws:sqs:us-east-1:1:q", True),  # short pattern: one string
    ("arn:aws:sqs:us-east-1:1:q.fifo", "arn:aws:sqs:us-east-1:1:qxfifo", False),  # . literal
    ("*", "anything", True),
])
def test_resource_patterns(pattern: str, value: str, matches: bool) -> None:
    compiled = compile_patterns([pattern], ignore_case=False, arn=True, variables=True)
    assert compiled.matches(value, {}) is matches


@pytest.mark.parametrize(("pattern", "value", "matches"), [
    ("dynamodb:PutItem", "DynamoDB:putitem", True),
    ("dynamodb:Put*", "dynamodb:PUTITEM", True),
    ("dynamodb:*Item", "dynamodb:Query", False),
    ("*", "sqs:SendMessage", True),
])
def test_action_patterns(pattern: str, value: str, matches: bool) -> None:
    compiled = compile_patterns([pattern], ignore_case=True, arn=False, variables=False)
    assert compiled.matches(value, {}) is matches


@pytest.mark.parametrize(("pattern", "context", "value", "matches"), [
    ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": ["al"]}, "arn:aws:s3:::b/al/x", True),
    ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": ["al"]}, "arn:aws:s3:::b/bo/x",
     False),
    ("arn:aws:s3:::b/${aws:username}/*", {}, "arn:aws:s3:::b//x", False),
    ("arn:aws:s3:::b/${aws:username, 'shared'}/*", {}, "arn:aws:s3:::b/shared/x", True),
    ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/*", True),  # ${*} is a literal star
    ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/x", False),
    ("arn:aws:s3:::b/${aws:username}", {"aws:username": ["a*"]}, "arn:aws:s3:::b/abc",
     False),  # a value's own wildcard characters are literal
])
def test_policy_variables(pattern: str, context: dict[str, list[str]], value: str,
                          matches: bool) -> None:
    compiled = compile_patterns([pattern], ignore_case=False, arn=True, variables=True)
    assert compiled.matches(value, context) is matches


def test_variables_are_literal_under_2008() -> None:
    compiled = compile_patterns(["arn:aws:s3:::b/${aws:username}"], ignore_case=False,
                                arn=True, variables=False)
    assert compiled.matches("arn:aws:s3:::b/${aws:username}", {"aws:username": ["x"]})


def test_evaluation_compiles_no_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patterns are compiled at parse time: evaluating compiles nothing."""
    policy = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:Put*", "dynamodb:?etItem"],
         "Resource": "arn:aws:dynamodb:*:*:table/T*",
         "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:lambda:*"},
                       "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x*"}}}]}))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a regex was compiled during evaluation")

    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(re, "fullmatch", refuse)
    for action in ("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"):
        request = AuthzRequest("arn:aws:iam::111111111111:user/u", "111111111111", action,
                               "arn:aws:dynamodb:us-east-1:111111111111:table/Tx",
                               {"aws:sourcearn": ["arn:aws:lambda:us-east-1:1:function:f"]})
        evaluate(request, [policy])
