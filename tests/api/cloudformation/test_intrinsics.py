"""Every intrinsic function, condition function and pseudo parameter, resolved in a deployed
stack's outputs (CloudFormation user guide, "Intrinsic function reference")."""

from __future__ import annotations

import base64
from typing import Any

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Description: intrinsics
Parameters:
  Env:
    Type: String
    Default: prod
    AllowedValues: [dev, prod]
  Sizes:
    Type: List<Number>
    Default: "1,2,3"
  Names:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Count:
    Type: Number
    Default: 5
    MinValue: 1
    MaxValue: 10
  Secret:
    Type: String
    NoEcho: true
    Default: hunter2
Mappings:
  Regions:
    us-east-1: {Name: virginia}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Count, 5]]
  Either: !Or [!Condition IsDev, !Equals [a, b]]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/cfn/${AWS::StackName}"
      RetentionInDays: !If [IsProd, 30, !Ref "AWS::NoValue"]
  DevOnly:
    Type: AWS::Logs::LogGroup
    Condition: IsDev
Outputs:
  Ref: {Value: !Ref Env}
  SubString: {Value: !Sub "${AWS::Region}-${Env}-${Group}-${!Literal}"}
  SubList: {Value: !Sub ["${A}+${B}", {A: one, B: !Ref Count}]}
  GetAtt: {Value: !GetAtt Group.Arn}
  GetAttLong: {Value: {"Fn::GetAtt": [Group, Arn]}}
  Join: {Value: !Join ["|", [x, !Ref Env, !Select [1, !Ref Names]]]}
  JoinList: {Value: !Join [",", !Ref Sizes]}
  Select: {Value: !Select [2, !Ref Sizes]}
  Split: {Value: !Select [1, !Split ["-", "p-q-r"]]}
  If: {Value: !If [IsProd, big, small]}
  Conditions: {Value: !Join [",", [!If [Both, both, none], !If [Either, either, neither]]]}
  FindInMap: {Value: !FindInMap [Regions, !Ref "AWS::Region", Name]}
  FindInMapDefault: {Value: !FindInMap [Regions, eu-west-1, Name, {DefaultValue: none}]}
  GetAZs: {Value: !Join [",", !GetAZs ""]}
  Base64: {Value: !Base64 hello}
  Cidr: {Value: !Join [",", !Cidr ["10.0.0.0/16", 2, 8]]}
  Pseudo: {Value: !Join [",", [!Ref "AWS::AccountId", !Ref "AWS::Partition", !Ref "AWS::URLSuffix"]]}
  StackId: {Value: !Ref "AWS::StackId"}
  Exported:
    Value: !Ref Count
    Export: {Name: !Sub "${AWS::StackName}-count"}
  DevOnly:
    Condition: IsDev
    Value: !Ref DevOnly
"""

IMPORTER = """
Resources:
  Group:
    Type: AWS::Logs::LogGroup
Outputs:
  Imported: {Value: !ImportValue EXPORT}
"""


def test_every_intrinsic_resolves(stacks: Any) -> None:
    stack = stacks.create(TEMPLATE)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    name = stack["StackName"]
    out = stacks.outputs(stack)
    group = f"/cfn/{name}"
    assert out["Ref"] == "prod"
    assert out["SubString"] == f"us-east-1-prod-{group}-${{Literal}}"
    assert out["SubList"] == "one+5"
    assert out["GetAtt"] == out["GetAttLong"] == (
        f"arn:aws:logs:us-east-1:000000000000:log-group:{group}:*")
    assert out["Join"] == "x|prod|b"
    assert out["JoinList"] == "1,2,3"
    assert out["Select"] == "3"
    assert out["Split"] == "q"
    assert out["If"] == "big"
    assert out["Conditions"] == "both,neither"
    assert out["FindInMap"] == "virginia"
    assert out["FindInMapDefault"] == "none"
    assert out["GetAZs"] == "us-east-1a,us-east-1b,us-east-1c"
    assert out["Base64"] == base64.b64encode(b"hello").decode()
    assert out["Cidr"] == "10.0.0.0/24,10.0.1.0/24"
    assert out["Pseudo"] == "000000000000,aws,amazonaws.com"
    assert out["StackId"] == stack["StackId"]
    assert "DevOnly" not in out
    resources = stacks.resources(name)
    assert set(resources) == {"Group"}  # the condition left DevOnly out
    assert resources["Group"]["PhysicalResourceId"] == group
    params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert params["Secret"] == "****"  # NoEcho
    assert params["Names"] == "a,b,c"


def test_conditions_pick_the_other_branch(stacks: Any) -> None:
    stack = stacks.create(TEMPLATE, Parameters=[{"ParameterKey": "Env",
                                                 "ParameterValue": "dev"}])
    out = stacks.outputs(stack)
    assert out["If"] == "small"
    assert out["Conditions"] == "none,either"
    assert out["DevOnly"] == stacks.physical(stack["StackName"], "DevOnly")


def test_import_value_reads_another_stacks_export(stacks: Any, cfn: Any) -> None:
    exporter = stacks.create(TEMPLATE)
    export = f"{exporter['StackName']}-count"
    assert {"Name": export, "Value": "5", "ExportingStackId": exporter["StackId"]} in (
        cfn.list_exports()["Exports"])
    importer = stacks.create(IMPORTER.replace("EXPORT", export))
    assert stacks.outputs(importer) == {"Imported": "5"}
    assert cfn.list_imports(ExportName=export)["Imports"] == [importer["StackName"]]
    # An imported export keeps its stack from being deleted.
    deleting = stacks.delete(exporter["StackId"])
    assert deleting["StackStatus"] == "DELETE_FAILED"
    assert deleting["StackStatusReason"] == (
        f"Export {export} cannot be deleted as it is in use by {importer['StackName']}")


def test_a_missing_import_fails_the_stack(stacks: Any) -> None:
    stack = stacks.create(IMPORTER.replace("EXPORT", "nobody-exports-this"))
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [e for e in stacks.cfn.describe_stack_events(StackName=stack["StackId"])[
        "StackEvents"] if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"]
    assert reasons[0]["ResourceStatusReason"] == (
        "No export named nobody-exports-this found. Rollback requested by user.")
