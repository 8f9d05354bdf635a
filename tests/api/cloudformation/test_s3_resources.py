"""AWS::S3::Bucket and AWS::S3::BucketPolicy: a named and a generated bucket (CloudFormation's
lower-case `stack-logicalid-xxxxxxxxxxxxx`), GetAtt Arn, DomainName, RegionalDomainName,
DualStackDomainName and WebsiteURL as the AWS::S3::Bucket reference documents them, a bucket
policy on a bucket (recorded, not enforced), DeletionPolicy Retain, and a bucket still holding
objects failing the stack's deletion as on AWS (BucketNotEmpty)."""

from __future__ import annotations

import re
from typing import Any

from server_support import session_client
from stack_support import failures

s3 = session_client("s3", "s3")

TEMPLATE = """
Parameters:
  Name: {Type: String}
Resources:
  Generated:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      Tags: [{Key: k, Value: v}]
  Named:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties: {BucketName: !Ref Name}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Generated
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Condition: {Bool: {aws:SecureTransport: "false"}}
            Resource: [!Sub "arn:${AWS::Partition}:s3:::${Generated}/*"]
Outputs:
  Generated: {Value: !Ref Generated}
  Arn: {Value: !GetAtt Generated.Arn}
  Domain: {Value: !GetAtt Generated.DomainName}
  Regional: {Value: !GetAtt Generated.RegionalDomainName}
  DualStack: {Value: !GetAtt Generated.DualStackDomainName}
  Website: {Value: !GetAtt Generated.WebsiteURL}
  Policy: {Value: !Ref Policy}
"""


def test_buckets_attributes_policy_and_retain(stacks: Any, s3: Any, unique: Any) -> None:
    named = unique("named")
    stack = stacks.create(TEMPLATE, name="Bkt-" + stacks.name(),
                          Parameters=[{"ParameterKey": "Name", "ParameterValue": named}])
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    out = stacks.outputs(stack)
    generated = out["Generated"]
    assert re.fullmatch(rf"{stack['StackName'].lower()}-generated-[a-z0-9]{{13}}", generated)
    assert out == {
        "Generated": generated, "Arn": f"arn:aws:s3:::{generated}",
        "Domain": f"{generated}.s3.amazonaws.com",
        "Regional": f"{generated}.s3.us-east-1.amazonaws.com",
        "DualStack": f"{generated}.s3.dualstack.us-east-1.amazonaws.com",
        "Website": f"http://{generated}.s3-website-us-east-1.amazonaws.com",
        "Policy": generated}
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {generated, named} <= names
    s3.put_object(Bucket=generated, Key="k", Body=b"x")
    s3.head_object(Bucket=generated, Key="k")   # the Deny policy is recorded, not enforced
    # ... and the stack's events say what was recorded without being applied.
    complete = {e["LogicalResourceId"]: e.get("ResourceStatusReason") for e in
                stacks.cfn.describe_stack_events(StackName=stack["StackId"])["StackEvents"]
                if e["ResourceStatus"] == "CREATE_COMPLETE"}
    note = "Headwater recorded these properties and does not apply them: "
    assert complete["Policy"] == note + "PolicyDocument"
    assert complete["Generated"] == note + "Tags, VersioningConfiguration"
    assert complete["Named"] is None
    # A bucket holding objects fails the deletion as on AWS; emptied, the stack goes.
    deleted = stacks.delete(stack["StackId"])
    assert deleted["StackStatus"] == "DELETE_FAILED"
    reasons = [r for logical, status, r in failures(stacks.cfn, stack["StackId"])
               if logical == "Generated"]
    assert reasons and "The bucket you tried to delete is not empty" in reasons[0], reasons
    s3.delete_object(Bucket=generated, Key="k")
    assert stacks.delete(stack["StackId"])["StackStatus"] == "DELETE_COMPLETE"
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert generated not in names
    assert named in names        # DeletionPolicy: Retain
    s3.delete_bucket(Bucket=named)


def test_policy_on_a_missing_bucket_fails_with_s3s_error(stacks: Any, unique: Any) -> None:
    missing = unique("missing")
    stack = stacks.create(
        "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n"
        f"      Bucket: {missing}\n      PolicyDocument: {{Statement: []}}\n")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert any("NoSuchBucket" in r or "does not exist" in r
               for _, _, r in failures(stacks.cfn, stack["StackId"])), \
        failures(stacks.cfn, stack["StackId"])
