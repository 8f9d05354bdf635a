"""AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable: created with streams, TTL, GSIs, LSIs,
tags and billing mode; updated in place (billing, GSI added, TTL, tags, stream view); replaced
when the key schema changes; deleted; Ref and GetAtt Arn / StreamArn."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from stack_support import failures

TABLE = """
Parameters:
  Mode: {Type: String, Default: PROVISIONED}
  Sort: {Type: String, Default: sk}
  Extra: {Type: String, Default: "no"}
  View: {Type: String, Default: NEW_AND_OLD_IMAGES}
  Ttl: {Type: String, Default: expires}
Conditions:
  Provisioned: !Equals [!Ref Mode, PROVISIONED]
  WithExtra: !Equals [!Ref Extra, "yes"]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: !Ref Mode
      ProvisionedThroughput: !If
        - Provisioned
        - {ReadCapacityUnits: 5, WriteCapacityUnits: "5"}
        - !Ref AWS::NoValue
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: !Ref Sort, AttributeType: S}
        - {AttributeName: g, AttributeType: S}
        - {AttributeName: l, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: !Ref Sort, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: by-g
          KeySchema: [{AttributeName: g, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          ProvisionedThroughput: !If
            - Provisioned
            - {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
            - !Ref AWS::NoValue
        - !If
          - WithExtra
          - IndexName: by-l
            KeySchema: [{AttributeName: l, KeyType: HASH}]
            Projection: {ProjectionType: KEYS_ONLY}
          - !Ref AWS::NoValue
      LocalSecondaryIndexes:
        - IndexName: local
          KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: l, KeyType: RANGE}]
          Projection: {ProjectionType: KEYS_ONLY}
      StreamSpecification: {StreamViewType: !Ref View}
      TimeToLiveSpecification: {AttributeName: !Ref Ttl, Enabled: true}
      Tags: [{Key: team, Value: !Ref Extra}]
Outputs:
  Name: {Value: !Ref Table}
  Arn: {Value: !GetAtt Table.Arn}
  Stream: {Value: !GetAtt Table.StreamArn}
"""


def _params(**values: str) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def test_table_create_update_replace_delete(stacks: Any, ddb: Any) -> None:
    stack = stacks.create(TABLE)
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    name = stack["StackName"]
    out = stacks.outputs(stack)
    assert out["Name"].startswith(f"{name}-Table-")
    table = ddb.describe_table(TableName=out["Name"])["Table"]
    assert table["TableArn"] == out["Arn"]
    assert table["LatestStreamArn"] == out["Stream"]
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 5
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-g"]
    assert [i["IndexName"] for i in table["LocalSecondaryIndexes"]] == ["local"]
    assert ddb.describe_time_to_live(TableName=out["Name"])["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert ddb.list_tags_of_resource(ResourceArn=out["Arn"])["Tags"] == [
        {"Key": "team", "Value": "no"}]
    # In place: billing mode, a GSI added, tags, stream view type. (Changing the TTL
    # attribute within the hour is DynamoDB's own error: test_ttl_change_is_dynamodbs_error.)
    updated = stacks.update(name, TABLE, Parameters=_params(
        Mode="PAY_PER_REQUEST", Extra="yes", View="KEYS_ONLY"))
    assert updated["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, updated["StackId"])
    assert stacks.outputs(updated)["Name"] == out["Name"]
    table = ddb.describe_table(TableName=out["Name"])["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert sorted(i["IndexName"] for i in table["GlobalSecondaryIndexes"]) == ["by-g", "by-l"]
    assert table["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    assert stacks.outputs(updated)["Stream"] == table["LatestStreamArn"] != out["Stream"]
    assert ddb.list_tags_of_resource(ResourceArn=out["Arn"])["Tags"] == [
        {"Key": "team", "Value": "yes"}]
    # A key schema change replaces the table; the old one is deleted.
    replaced = stacks.update(name, TABLE, Parameters=_params(
        Mode="PAY_PER_REQUEST", Extra="yes", View="KEYS_ONLY", Sort="other"))
    assert replaced["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, replaced["StackId"])
    new = stacks.outputs(replaced)["Name"]
    assert new != out["Name"]
    assert ddb.describe_table(TableName=new)["Table"]["KeySchema"][1]["AttributeName"] == "other"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        ddb.describe_table(TableName=out["Name"])
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        ddb.describe_table(TableName=new)


def test_ttl_change_is_dynamodbs_error(stacks: Any, ddb: Any) -> None:
    stack = stacks.create(TABLE)
    name = stack["StackName"]
    updated = stacks.update(name, TABLE, Parameters=_params(Ttl="gone"))
    assert updated["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    failed = [e for e in stacks.cfn.describe_stack_events(StackName=name)["StackEvents"]
              if e["ResourceStatus"] == "UPDATE_FAILED"]
    assert failed[0]["ResourceStatusReason"].startswith(
        'Resource handler returned message: "Time to live has been modified multiple times '
        'within a fixed interval" (Service: DynamoDb, Status Code: 400')


GLOBAL = """
Resources:
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      Replicas: [{Region: us-east-1}]
Outputs:
  Name: {Value: !Ref Global}
  Arn: {Value: !GetAtt Global.Arn}
  Stream: {Value: !GetAtt Global.StreamArn}
"""


def test_global_table(stacks: Any, ddb: Any) -> None:
    stack = stacks.create(GLOBAL)
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    out = stacks.outputs(stack)
    table = ddb.describe_table(TableName=out["Name"])["Table"]
    assert (table["TableArn"], table["LatestStreamArn"]) == (out["Arn"], out["Stream"])
    assert stacks.delete(stack["StackName"])["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        ddb.describe_table(TableName=out["Name"])
