"""AWS::IAM::Role, AWS::IAM::Policy and AWS::IAM::ManagedPolicy: created, updated in place
(trust and inline policies, attachments, a new default policy version), replaced (a new role
name), deleted with their policies; Ref and GetAtt Arn / RoleId / PolicyArn."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from stack_support import failures

IAM = """
Parameters:
  Action: {Type: String, Default: "sqs:SendMessage"}
  RoleName: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Version: '2012-10-17'
            Statement: [{Effect: Allow, Action: !Ref Action, Resource: "*"}]
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Role]
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: !Ref Action, Resource: "*"}]
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role]
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: !Ref Action, Resource: "*"}]
Outputs:
  Role: {Value: !Ref Role}
  Arn: {Value: !GetAtt Role.Arn}
  RoleId: {Value: !GetAtt Role.RoleId}
  Managed: {Value: !Ref Managed}
  ManagedArn: {Value: !GetAtt Managed.PolicyArn}
"""


def _params(**values: str) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def _action(document: Any) -> str:
    found = json.loads(document) if isinstance(document, str) else document
    return str(found["Statement"][0]["Action"])


def test_iam_resources(stacks: Any, iam: Any, unique: Any) -> None:
    first = unique("role")
    stack = stacks.create(IAM, Parameters=_params(RoleName=first))
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    name = stack["StackName"]
    out = stacks.outputs(stack)
    role = iam.get_role(RoleName=first)["Role"]
    assert (out["Role"], out["Arn"], out["RoleId"]) == (first, role["Arn"], role["RoleId"])
    assert sorted(iam.list_role_policies(RoleName=first)["PolicyNames"]) == ["extra", "inline"]
    attached = iam.list_attached_role_policies(RoleName=first)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [out["Managed"]] == [out["ManagedArn"]]
    # In place: the policies' documents; the managed policy gets a new default version.
    updated = stacks.update(name, IAM, Parameters=_params(RoleName=first,
                                                          Action="sqs:ReceiveMessage"))
    assert updated["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, updated["StackId"])
    for policy in ("inline", "extra"):
        document = iam.get_role_policy(RoleName=first, PolicyName=policy)["PolicyDocument"]
        assert _action(document) == "sqs:ReceiveMessage"
    managed = iam.get_policy(PolicyArn=out["Managed"])["Policy"]
    assert managed["DefaultVersionId"] == "v2"
    # A new role name replaces the role; the policies follow the new one.
    second = unique("role")
    replaced = stacks.update(name, IAM, Parameters=_params(RoleName=second,
                                                           Action="sqs:ReceiveMessage"))
    assert replaced["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, replaced["StackId"])
    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam.get_role(RoleName=first)
    assert sorted(iam.list_role_policies(RoleName=second)["PolicyNames"]) == ["extra", "inline"]
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam.get_role(RoleName=second)
    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam.get_policy(PolicyArn=out["Managed"])


def test_replacing_a_custom_named_resource_is_refused(stacks: Any, unique: Any) -> None:
    role = unique("role")
    template = IAM.replace("      RoleName: !Ref RoleName\n",
                           "      RoleName: !Ref RoleName\n      Path: !Ref RolePath\n")
    template = template.replace("Resources:", "  RolePath: {Type: String}\nResources:", 1)
    stack = stacks.create(template, Parameters=_params(RoleName=role, RolePath="/a/"))
    name = stack["StackName"]
    updated = stacks.update(name, template, Parameters=_params(RoleName=role, RolePath="/b/"))
    assert updated["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    failed = [e for e in stacks.cfn.describe_stack_events(StackName=name)["StackEvents"]
              if e["ResourceStatus"] == "UPDATE_FAILED"]
    assert failed[0]["ResourceStatusReason"] == (
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        f"Rename {role} and update the stack again.")
