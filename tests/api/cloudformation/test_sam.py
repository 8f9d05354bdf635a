"""SAM templates (`Transform: AWS::Serverless-2016-10-31`) expanded by aws-sam-translator:
a function with a DynamoDB stream event, DynamoDBCrudPolicy and DynamoDBStreamReadPolicy,
AutoPublishAlias, DeadLetterQueue, Globals and a SimpleTable, end to end: writing an item runs
the handler."""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

SAM = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    MemorySize: 256
Resources:
  Items:
    Type: AWS::Serverless::SimpleTable
  Source:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Dlq:
    Type: AWS::SQS::Queue
  Done:
    Type: AWS::SNS::Topic
  Copier:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      AutoPublishAlias: live
      DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dlq.Arn}
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        DestinationConfig:
          OnSuccess: {Type: SNS, Destination: !Ref Done}
      Environment: {Variables: {TARGET: !Ref Items}}
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Items}
        - DynamoDBStreamReadPolicy: {TableName: !Ref Source, StreamName: "*"}
      InlineCode: |
        def handler(event, context):
            for record in event["Records"]:
                print("COPIED", record["dynamodb"]["Keys"]["pk"]["S"])
      Events:
        Stream:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Source.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumBatchingWindowInSeconds: 0
Outputs:
  Function: {Value: !Ref Copier}
  Source: {Value: !Ref Source}
"""


def test_sam_stream_function_end_to_end(stacks: Any, ddb: Any, lam: Any, iam: Any,
                                        logs: Any) -> None:
    stack = stacks.create(SAM)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    out = stacks.outputs(stack)
    resources = stacks.resources(stack["StackName"])
    assert {r["ResourceType"] for r in resources.values()} >= {
        "AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias",
        "AWS::Lambda::EventSourceMapping", "AWS::IAM::Role", "AWS::DynamoDB::Table",
        "AWS::Lambda::EventInvokeConfig"}
    config = lam.get_function_configuration(FunctionName=out["Function"])
    assert (config["Runtime"], config["Timeout"], config["MemorySize"]) == ("python3.12", 10,
                                                                            256)
    assert config["DeadLetterConfig"]["TargetArn"].endswith(
        stacks.physical(stack["StackName"], "Dlq").rsplit("/", 1)[1])
    assert lam.get_alias(FunctionName=out["Function"], Name="live")["FunctionVersion"] == "1"
    role = config["Role"].rsplit("/", 1)[1]
    policies = iam.list_role_policies(RoleName=role)["PolicyNames"]
    # The two policy templates, the dead-letter queue's and the destination's, inline.
    assert sorted(policies) == ["CopierEventInvokeConfigOnSuccessSNSPolicy",
                                "CopierRolePolicy0", "CopierRolePolicy1",
                                "DeadLetterQueuePolicy"]
    ddb.put_item(TableName=out["Source"], Item={"pk": {"S": "hello"}})
    group = f"/aws/lambda/{out['Function']}"
    deadline = time.monotonic() + 30
    while True:
        try:
            found = logs.filter_log_events(logGroupName=group)["events"]
        except ClientError:
            found = []
        if any("COPIED hello" in event["message"] for event in found):
            break
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def test_sam_transform_errors_are_validation_errors(cfn: Any, expect_error: Any) -> None:
    template = ("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n"
                "    Type: AWS::Serverless::Function\n    Properties: {Handler: x}\n")
    error = expect_error(cfn.create_stack, "ValidationError", None, StackName="sam-bad",
                         TemplateBody=template, Capabilities=["CAPABILITY_AUTO_EXPAND",
                                                              "CAPABILITY_IAM"])
    assert error["Error"]["Message"].startswith(
        "Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application "
        "Specification document.")


def test_sam_needs_auto_expand_in_create_stack(cfn: Any, expect_error: Any) -> None:
    expect_error(cfn.create_stack, "InsufficientCapabilitiesException",
                 "Requires capabilities : [CAPABILITY_AUTO_EXPAND]", StackName="sam-cap",
                 TemplateBody=SAM, Capabilities=["CAPABILITY_IAM"])
