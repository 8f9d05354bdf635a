"""AWS::Lambda::Function (inline ZipFile), Version, Alias, Permission, EventInvokeConfig and
EventSourceMapping: created, updated in place (code, configuration, alias version, mapping
settings), replaced (a version's description, a mapping's starting position), deleted; Ref and
GetAtt as documented."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from stack_support import failures

FUNCTIONS = """
Parameters:
  Greeting: {Type: String, Default: hello}
  Batch: {Type: Number, Default: 10}
  Start: {Type: String, Default: LATEST}
  Label: {Type: String, Default: first}
  Source: {Type: String, Default: one}
Conditions:
  Second: !Equals [!Ref Source, two]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Timeout: 30
      Environment: {Variables: {GREETING: !Ref Greeting}}
      Code:
        ZipFile: !Sub |
          import os
          def handler(event, context):
              return {"said": os.environ["GREETING"], "code": "${Greeting}"}
      Tags: [{Key: stage, Value: !Ref Label}]
  Version:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Fn, Description: !Ref Label}
  Alias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: !GetAtt Version.Version
      Name: live
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: sns.amazonaws.com
  Queue: {Type: AWS::SQS::Queue}
  InvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Fn
      Qualifier: $LATEST
      MaximumRetryAttempts: 1
      DestinationConfig: {OnFailure: {Destination: !GetAtt Queue.Arn}}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Other:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !If [Second, !GetAtt Other.StreamArn, !GetAtt Table.StreamArn]
      StartingPosition: !Ref Start
      BatchSize: !Ref Batch
      MaximumBatchingWindowInSeconds: 1
      MaximumRetryAttempts: 2
      BisectBatchOnFunctionError: true
      MaximumRecordAgeInSeconds: 600
      ParallelizationFactor: 2
      TumblingWindowInSeconds: 30
      FunctionResponseTypes: [ReportBatchItemFailures]
      FilterCriteria: {Filters: [{Pattern: '{"eventName": ["INSERT"]}'}]}
      DestinationConfig: {OnFailure: {Destination: !GetAtt Queue.Arn}}
Outputs:
  Fn: {Value: !Ref Fn}
  Arn: {Value: !GetAtt Fn.Arn}
  Version: {Value: !Ref Version}
  VersionNumber: {Value: !GetAtt Version.Version}
  Alias: {Value: !Ref Alias}
  Mapping: {Value: !Ref Mapping}
  MappingId: {Value: !GetAtt Mapping.Id}
  Permission: {Value: !Ref Permission}
"""


def _params(**values: str) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def _invoke(lam: Any, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
    return result


def test_lambda_resources(stacks: Any, lam: Any) -> None:
    stack = stacks.create(FUNCTIONS)
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    name = stack["StackName"]
    out = stacks.outputs(stack)
    fn = out["Fn"]
    config = lam.get_function_configuration(FunctionName=fn)
    assert config["FunctionArn"] == out["Arn"]
    assert _invoke(lam, fn) == {"said": "hello", "code": "hello"}
    assert out["Version"] == f"{out['Arn']}:1" and out["VersionNumber"] == "1"
    assert out["Alias"] == f"{out['Arn']}:live"
    assert lam.get_alias(FunctionName=fn, Name="live")["FunctionVersion"] == "1"
    policy = json.loads(lam.get_policy(FunctionName=fn)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [out["Permission"]]
    invoke_config = lam.get_function_event_invoke_config(FunctionName=fn, Qualifier="$LATEST")
    assert invoke_config["MaximumRetryAttempts"] == 1
    mapping = lam.get_event_source_mapping(UUID=out["Mapping"])
    assert out["MappingId"] == out["Mapping"]
    assert (mapping["BatchSize"], mapping["ParallelizationFactor"],
            mapping["TumblingWindowInSeconds"], mapping["MaximumRetryAttempts"],
            mapping["BisectBatchOnFunctionError"], mapping["FunctionResponseTypes"]) == (
        10, 2, 30, 2, True, ["ReportBatchItemFailures"])
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]}
    # In place: code and configuration, mapping batch size; a new version (its description is
    # immutable) and the alias moved to it.
    updated = stacks.update(name, FUNCTIONS, Parameters=_params(Greeting="bye", Batch="5",
                                                                Label="second"))
    assert updated["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, updated["StackId"])
    after = stacks.outputs(updated)
    assert after["Fn"] == fn and after["Mapping"] == out["Mapping"]
    assert _invoke(lam, fn) == {"said": "bye", "code": "bye"}
    assert lam.get_event_source_mapping(UUID=out["Mapping"])["BatchSize"] == 5
    assert after["VersionNumber"] == "2"
    assert lam.get_alias(FunctionName=fn, Name="live")["FunctionVersion"] == "2"
    assert lam.list_tags(Resource=out["Arn"])["Tags"] == {"stage": "second"}
    # The source and starting position are create-only: the mapping is replaced. (With the
    # same source and function the new mapping would clash with the old one: Lambda's own
    # ResourceConflictException, as on AWS.)
    replaced = stacks.update(name, FUNCTIONS, Parameters=_params(
        Greeting="bye", Batch="5", Label="second", Start="TRIM_HORIZON", Source="two"))
    assert replaced["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, replaced["StackId"])
    new_mapping = stacks.outputs(replaced)["Mapping"]
    assert new_mapping != out["Mapping"]
    assert lam.get_event_source_mapping(UUID=new_mapping)["StartingPosition"] == "TRIM_HORIZON"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        lam.get_event_source_mapping(UUID=out["Mapping"])
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        lam.get_function(FunctionName=fn)
