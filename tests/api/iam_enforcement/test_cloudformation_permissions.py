"""Under --enforce-iam a stack acts with its caller's permissions, or its service role's
(RoleARN), as CloudFormation does: a resource the caller may not create fails with the
service's own refusal, and the stack rolls back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from enforcement_support import allow, name

TEMPLATE = """
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: Queue
"""
CLOUDFORMATION_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def _settle(cfn: Any, stack: str) -> dict[str, Any]:
    while True:
        found: dict[str, Any] = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        if not found["StackStatus"].endswith("_IN_PROGRESS"):
            return found
        time.sleep(0.02)


def test_the_stack_acts_with_its_callers_permissions(make_user: Callable[..., Any]) -> None:
    user = make_user(allow("cloudformation:*"), allow("sqs:*"))
    cfn = user("cloudformation")
    stack = name("stack")
    cfn.create_stack(StackName=stack, TemplateBody=TEMPLATE)
    found = _settle(cfn, stack)
    assert found["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in cfn.describe_stack_events(StackName=found["StackId"])["StackEvents"]
              if e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed[0]["LogicalResourceId"] == "Topic"
    assert failed[0]["ResourceStatusReason"].startswith(
        f'Resource handler returned message: "User: {user.arn} is not authorized to perform: '
        f"sns:CreateTopic")
    assert "HandlerErrorCode: AccessDenied" in failed[0]["ResourceStatusReason"]
    allowed = make_user(allow("cloudformation:*"), allow("sqs:*"), allow("sns:*"))
    cfn = allowed("cloudformation")
    cfn.delete_stack(StackName=stack)  # a rolled-back stack keeps its name until deleted
    cfn.create_stack(StackName=stack, TemplateBody=TEMPLATE)
    assert _settle(cfn, stack)["StackStatus"] == "CREATE_COMPLETE"
    cfn.delete_stack(StackName=stack)


def test_a_stack_role_acts_for_the_caller(make_user: Callable[..., Any],
                                          make_role: Callable[..., str]) -> None:
    role = make_role(allow("sqs:*"), allow("sns:*"), trust=CLOUDFORMATION_TRUST)
    user = make_user(allow("cloudformation:*"), allow("iam:PassRole"))
    cfn = user("cloudformation")
    stack = name("stack")
    cfn.create_stack(StackName=stack, TemplateBody=TEMPLATE, RoleARN=role)
    found = _settle(cfn, stack)
    assert found["StackStatus"] == "CREATE_COMPLETE"
    assert found["RoleARN"] == role
    cfn.delete_stack(StackName=stack)
    assert _settle(cfn, found["StackId"])["StackStatus"] == "DELETE_COMPLETE"
