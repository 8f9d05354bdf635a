"""Change sets: CreateChangeSet (CREATE makes a REVIEW_IN_PROGRESS stack), DescribeChangeSet's
changes (Add, Modify with Replacement, Remove), an empty change set FAILED with CloudFormation's
reason, ExecuteChangeSet, DeleteChangeSet and ListChangeSets; and `aws cloudformation deploy`,
the aws CLI (v1) driving them as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stack_support import settle

TEMPLATE = """
Parameters:
  Delay: {Type: Number, Default: 0}
  Name: {Type: String, Default: ""}
Conditions:
  Named: !Not [!Equals [!Ref Name, ""]]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: !Ref Delay
      QueueName: !If [Named, !Ref Name, !Ref "AWS::NoValue"]
Outputs:
  Url: {Value: !Ref Queue}
"""
TOPIC = TEMPLATE.replace("Outputs:", "  Topic: {Type: AWS::SNS::Topic}\nOutputs:")
AWS = Path(sys.executable).parent / "aws"


def changes(cfn: Any, change_set: str) -> list[tuple[str, str, str | None]]:
    found = cfn.describe_change_set(ChangeSetName=change_set)["Changes"]
    return sorted((c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"],
                   c["ResourceChange"].get("Replacement")) for c in found)


def test_change_set_api(stacks: Any, cfn: Any, expect_error: Any, unique: Any) -> None:
    name = stacks.name()
    created = cfn.create_change_set(StackName=name, ChangeSetName="first",
                                    ChangeSetType="CREATE", TemplateBody=TEMPLATE)
    stacks.made.append(created["StackId"])
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "REVIEW_IN_PROGRESS"
    described = cfn.describe_change_set(ChangeSetName="first", StackName=name)
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE",
                                                                   "AVAILABLE")
    assert described["ChangeSetId"] == created["Id"]
    assert changes(cfn, created["Id"]) == [("Add", "Queue", None)]
    cfn.execute_change_set(ChangeSetName=created["Id"])
    assert settle(cfn, name)["StackStatus"] == "CREATE_COMPLETE"
    # Modify in place, add, and an immutable change that replaces.
    update = cfn.create_change_set(StackName=name, ChangeSetName="second", TemplateBody=TOPIC,
                                   Parameters=[{"ParameterKey": "Delay",
                                                "ParameterValue": "2"}])["Id"]
    assert changes(cfn, update) == [("Add", "Topic", None), ("Modify", "Queue", "False")]
    rename = cfn.create_change_set(StackName=name, ChangeSetName="third", TemplateBody=TEMPLATE,
                                   Parameters=[{"ParameterKey": "Name",
                                                "ParameterValue": unique("q")}])["Id"]
    assert changes(cfn, rename) == [("Modify", "Queue", "True")]
    listed = cfn.list_change_sets(StackName=name)["Summaries"]
    assert sorted((s["ChangeSetName"], s["ExecutionStatus"]) for s in listed) == [
        ("first", "EXECUTE_COMPLETE"), ("second", "AVAILABLE"), ("third", "AVAILABLE")]
    cfn.delete_change_set(ChangeSetName="third", StackName=name)
    expect_error(cfn.describe_change_set, "ChangeSetNotFound",
                 "ChangeSet [third] does not exist", 404, ChangeSetName="third",
                 StackName=name)
    empty = cfn.create_change_set(StackName=name, ChangeSetName="empty", TemplateBody=TEMPLATE)
    found = cfn.describe_change_set(ChangeSetName=empty["Id"])
    assert (found["Status"], found["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
    assert found["StatusReason"] == (
        "The submitted information didn't contain changes. Submit different information to "
        "create a change set.")
    expect_error(cfn.execute_change_set, "InvalidChangeSetStatus",
                 f"ChangeSet [{empty['Id']}] cannot be executed in its current execution "
                 "status of [UNAVAILABLE]", ChangeSetName=empty["Id"])
    cfn.execute_change_set(ChangeSetName="second", StackName=name)
    updated = settle(cfn, name)
    assert updated["StackStatus"] == "UPDATE_COMPLETE"
    assert set(stacks.resources(name)) == {"Queue", "Topic"}
    # Executing a change set removes the stack's others.
    assert [s["ChangeSetName"] for s in cfn.list_change_sets(StackName=name)["Summaries"]] == [
        "second"]
    expect_error(cfn.create_change_set, "AlreadyExistsException",
                 f"Stack [{name}] already exists and cannot be created again with the "
                 "changeSet [again].", StackName=name, ChangeSetName="again",
                 ChangeSetType="CREATE", TemplateBody=TEMPLATE)


def _deploy(endpoint: str, template: Path, stack: str, *args: str
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1"}
    # The CLI names its change set by the second (awscli-cloudformation-package-deploy-EPOCH),
    # and an executed or empty one stays with the stack: two deploys within one second collide,
    # on AWS too. Headwater deploys in well under a second, so each deploy starts a new one.
    second = int(time.time())
    while int(time.time()) == second:
        time.sleep(0.02)
    return subprocess.run([str(AWS), "--endpoint-url", endpoint, "cloudformation", "deploy",
                           "--template-file", str(template), "--stack-name", stack, *args],
                          env=env, capture_output=True, text=True, timeout=60)


def test_aws_cloudformation_deploy(stacks: Any, cfn: Any, sqs: Any, endpoint: str,
                                   tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    name = stacks.name()
    first = _deploy(endpoint, template, name, "--parameter-overrides", "Delay=3")
    assert first.returncode == 0, first.stderr
    assert f"Successfully created/updated stack - {name}" in first.stdout
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    stacks.made.append(stack["StackId"])
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    url = stack["Outputs"][0]["OutputValue"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "3"
    same = _deploy(endpoint, template, name, "--parameter-overrides", "Delay=3",
                   "--no-fail-on-empty-changeset")
    assert same.returncode == 0, same.stderr
    assert f"No changes to deploy. Stack {name} is up to date" in same.stdout
    second = _deploy(endpoint, template, name, "--parameter-overrides", "Delay=4")
    assert second.returncode == 0, second.stderr
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "4"
