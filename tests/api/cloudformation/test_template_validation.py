"""Templates are checked before anything is created: structure, references, cycles, property
schemas (cfn-lint's provider schemas), parameters and capabilities, each refused as
CloudFormation words it; a resource type Headwater does not deploy fails its stack naming it."""

from __future__ import annotations

from typing import Any

import pytest

TABLE = """
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      EXTRA
"""


def refused(cfn: Any, expect_error: Any, template: str, message: str,
            code: str = "ValidationError", **kwargs: Any) -> None:
    expect_error(cfn.create_stack, code, message, StackName="refused", TemplateBody=template,
                 **kwargs)
    with pytest.raises(cfn.exceptions.ClientError):
        cfn.describe_stacks(StackName="refused")


@pytest.mark.parametrize(("extra", "message"), [
    ("Colour: blue", "Properties validation failed for resource Table with message:\n"
                     "#: extraneous key [Colour] is not permitted"),
    ("BillingMode: [a]", "Properties validation failed for resource Table with message:\n"
                         "#/BillingMode: [a] is not a valid enum value\n"
                         "#/BillingMode: expected type: String, found: JSONArray"),
    ("TableClass: 5", "Properties validation failed for resource Table with message:\n"
                      "#/TableClass: 5 is not a valid enum value\n"
                      "#/TableClass: expected type: String, found: Integer"),
])
def test_property_schema_errors(cfn: Any, expect_error: Any, extra: str, message: str) -> None:
    refused(cfn, expect_error, TABLE.replace("EXTRA", extra), message.replace("[a]", "['a']"))


def test_missing_required_property(cfn: Any, expect_error: Any) -> None:
    template = "Resources:\n  Q:\n    Type: AWS::SNS::Subscription\n    Properties: {}\n"
    refused(cfn, expect_error, template,
            "Properties validation failed for resource Q with message:\n"
            "#: required key [TopicArn] not found\n#: required key [Protocol] not found")


@pytest.mark.parametrize(("template", "message"), [
    ("Resources:\n  A: {Type: AWS::Nope::Thing}\n",
     "Template format error: Unrecognized resource types: [AWS::Nope::Thing]"),
    ("Resources: {}\n", "Template format error: At least one Resources member must be defined."),
    ("Resources:\n  A: {Properties: {}}\n",
     "Template format error: [/Resources/A] Every Resources object must contain a Type member."),
    ("Colours: []\nResources:\n  A: {Type: AWS::SQS::Queue}\n",
     "Template format error: Invalid template property or properties [Colours]"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Ref B}\n",
     "Template format error: Unresolved resource dependencies [B] in the Resources block of "
     "the template"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    DependsOn: Nope\n",
     "Template format error: Unresolved resource dependencies [Nope] in the Resources block of "
     "the template"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !GetAtt B.Arn}\n",
     "Template error: instance of Fn::GetAtt references undefined resource B"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    DependsOn: B\n"
     "  B:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !GetAtt A.QueueName}\n",
     "Circular dependency between resources: [A, B]"),
    ("Resources:\n  A: [unclosed\n", "Template format error: YAML not well-formed. "
                                     "(line 2, column 15)"),
    ('{"Resources": {', "Template format error: JSON not well-formed. (line 1, column 16)"),
    ("Resources:\n  A: {Type: AWS::SQS::Queue}\nOutputs:\n  O: {Value: !Ref Missing}\n",
     "Template format error: Unresolved resource dependencies [Missing] in the Outputs block "
     "of the template"),
])
def test_template_errors(cfn: Any, expect_error: Any, template: str, message: str) -> None:
    refused(cfn, expect_error, template, message)


PARAMETERS = """
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
  Name: {Type: String, AllowedPattern: "[a-z]+", Default: abc, MinLength: 2, MaxLength: 5}
  Size: {Type: Number, Default: 3, MinValue: 1, MaxValue: 9}
  Pin: {Type: String, Default: "1234", AllowedPattern: "[0-9]{4}",
        ConstraintDescription: must be four digits}
Resources:
  A: {Type: AWS::SQS::Queue}
"""


@pytest.mark.parametrize(("key", "value", "message"), [
    ("Env", "test", "Parameter 'Env' must be one of AllowedValues"),
    ("Name", "ABC", "Parameter 'Name' must match pattern [a-z]+"),
    ("Name", "a", "Parameter 'Name' must contain at least 2 characters"),
    ("Name", "abcdef", "Parameter 'Name' must contain at most 5 characters"),
    ("Size", "x", "Parameter 'Size' must be a number"),
    ("Size", "0", "Parameter 'Size' must be a number not less than 1"),
    ("Size", "10", "Parameter 'Size' must be a number not greater than 9"),
    ("Pin", "12", "Parameter 'Pin' failed to satisfy constraint: must be four digits"),
    ("Other", "1", "Parameters: [Other] do not exist in the template"),
])
def test_parameter_errors(cfn: Any, expect_error: Any, key: str, value: str,
                          message: str) -> None:
    refused(cfn, expect_error, PARAMETERS, message,
            Parameters=[{"ParameterKey": key, "ParameterValue": value}])


def test_parameter_without_value(cfn: Any, expect_error: Any) -> None:
    refused(cfn, expect_error, "Parameters:\n  A: {Type: String}\n  B: {Type: String}\n"
            "Resources:\n  Q: {Type: AWS::SQS::Queue}\n", "Parameters: [A, B] must have values")


def test_ssm_parameter_types_are_refused(cfn: Any, expect_error: Any) -> None:
    refused(cfn, expect_error,
            "Parameters:\n  A: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /x}\n"
            "Resources:\n  Q: {Type: AWS::SQS::Queue}\n",
            "Parameter 'A' has type AWS::SSM::Parameter::Value<String>: Headwater has no SSM "
            "Parameter Store, so SSM parameter types are not supported; use a String "
            "parameter.")


def test_iam_resources_need_capabilities(cfn: Any, expect_error: Any) -> None:
    role = ("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}\n")
    refused(cfn, expect_error, role, "Requires capabilities : [CAPABILITY_IAM]",
            "InsufficientCapabilitiesException")
    refused(cfn, expect_error, role + "      RoleName: named\n",
            "Requires capabilities : [CAPABILITY_NAMED_IAM]",
            "InsufficientCapabilitiesException", Capabilities=["CAPABILITY_IAM"])


def test_unsupported_resource_type_fails_the_stack(stacks: Any) -> None:
    stack = stacks.create("Resources:\n  Net:\n    Type: AWS::EC2::VPC\n"
                          "    Properties: {CidrBlock: 10.0.0.0/16}\n"
                          "  Q: {Type: AWS::SQS::Queue}\n")
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    found = stacks.cfn.describe_stack_events(StackName=stack["StackId"])["StackEvents"]
    failed = [e for e in found if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [(e["LogicalResourceId"], e["ResourceStatusReason"]) for e in failed] == [
        ("Net", "Headwater does not support resource type AWS::EC2::VPC (resource Net).")]


def test_validate_template_and_summary(cfn: Any) -> None:
    body = PARAMETERS.replace("Resources:", "Description: d\nResources:") + (
        "  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}\n")
    validated = cfn.validate_template(TemplateBody=body)
    assert validated["Description"] == "d"
    assert validated["Capabilities"] == ["CAPABILITY_IAM"]
    assert validated["CapabilitiesReason"] == (
        "The following resource(s) require capabilities: [AWS::IAM::Role]")
    assert {p["ParameterKey"]: p.get("DefaultValue") for p in validated["Parameters"]} == {
        "Env": "dev", "Name": "abc", "Size": "3", "Pin": "1234"}
    summary = cfn.get_template_summary(TemplateBody=body)
    assert summary["ResourceTypes"] == ["AWS::IAM::Role", "AWS::SQS::Queue"]
    env = next(p for p in summary["Parameters"] if p["ParameterKey"] == "Env")
    assert env["ParameterType"] == "String"
    assert env["ParameterConstraints"] == {"AllowedValues": ["dev", "prod"]}
