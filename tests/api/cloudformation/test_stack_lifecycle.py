"""Stack status transitions and events: create, update in place, replacement, delete; a failed
resource rolls the stack back with the service's own error in its event; DeletionPolicy and
UpdateReplacePolicy Retain; termination protection; "No updates are to be performed."."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from conftest import events

QUEUE = """
Parameters:
  Delay: {Type: Number, Default: 0}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {DelaySeconds: !Ref Delay}
  Topic:
    Type: AWS::SNS::Topic
    DeletionPolicy: Retain
Outputs:
  Url: {Value: !Ref Queue}
"""

BAD_TABLE = """
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Table:
    Type: AWS::DynamoDB::Table
    DependsOn: Queue
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}]
"""


def test_create_update_delete(stacks: Any, sqs: Any, sns: Any) -> None:
    stack = stacks.create(QUEUE)
    name = stack["StackName"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    url = stacks.outputs(stack)["Url"]
    created = events(stacks.cfn, name)
    assert created[0] == (name, "CREATE_IN_PROGRESS", "User Initiated")
    assert created[-1] == (name, "CREATE_COMPLETE", "")
    assert sorted(e[:2] for e in created[1:-1]) == [
        ("Queue", "CREATE_COMPLETE"), ("Queue", "CREATE_IN_PROGRESS"),
        ("Topic", "CREATE_COMPLETE"), ("Topic", "CREATE_IN_PROGRESS")]
    updated = stacks.update(name, QUEUE, Parameters=[{"ParameterKey": "Delay",
                                                      "ParameterValue": "5"}])
    assert updated["StackStatus"] == "UPDATE_COMPLETE"
    assert stacks.outputs(updated)["Url"] == url  # updated in place
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "5"
    statuses = [e[:2] for e in events(stacks.cfn, name)]
    assert statuses[-5:] == [(name, "UPDATE_IN_PROGRESS"), ("Queue", "UPDATE_IN_PROGRESS"),
                             ("Queue", "UPDATE_COMPLETE"),
                             (name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"),
                             (name, "UPDATE_COMPLETE")]
    topic = stacks.physical(name, "Topic")
    deleted = stacks.delete(name)
    assert deleted["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError):
        sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])
    # DeletionPolicy Retain: the topic outlives its stack.
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic
    assert ("Topic", "DELETE_SKIPPED") in [e[:2] for e in events(stacks.cfn, deleted["StackId"])]
    sns.delete_topic(TopicArn=topic)
    with pytest.raises(ClientError, match="does not exist"):
        stacks.cfn.describe_stacks(StackName=name)
    listed = stacks.cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert deleted["StackId"] in [s["StackId"] for s in listed]


def test_failed_resource_rolls_back_with_the_services_error(stacks: Any, ddb: Any,
                                                            sqs: Any) -> None:
    with pytest.raises(ClientError) as direct:
        ddb.create_table(TableName="direct", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                    {"AttributeName": "sk", "KeyType": "RANGE"}])
    message = direct.value.response["Error"]["Message"]
    stack = stacks.create(BAD_TABLE)
    name = stack["StackName"]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    found = events(stacks.cfn, name)
    failed = next(e for e in found if e[1] == "CREATE_FAILED")
    assert failed[0] == "Table"
    assert failed[2].startswith(f'Resource handler returned message: "{message}" '
                                "(Service: DynamoDb, Status Code: 400, Request ID: ")
    assert failed[2].endswith("HandlerErrorCode: InvalidRequest)")
    assert (name, "ROLLBACK_IN_PROGRESS",
            "The following resource(s) failed to create: [Table]. Rollback requested by user."
            ) in found
    assert [e[:2] for e in found[-3:]] == [("Queue", "DELETE_IN_PROGRESS"),
                                          ("Queue", "DELETE_COMPLETE"),
                                          (name, "ROLLBACK_COMPLETE")]
    assert stacks.resources(name) == {}
    assert not [q for q in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])]
    # A rolled-back stack can only be deleted.
    with pytest.raises(ClientError, match="ROLLBACK_COMPLETE state and can not be updated"):
        stacks.cfn.update_stack(StackName=name, TemplateBody=QUEUE)


def test_disable_rollback_keeps_what_was_made(stacks: Any) -> None:
    stack = stacks.create(BAD_TABLE, DisableRollback=True)
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert stack["StackStatusReason"] == (
        "The following resource(s) failed to create: [Table]. Rollback requested by user.")
    resources = stacks.resources(stack["StackName"])
    assert resources["Queue"]["ResourceStatus"] == "CREATE_COMPLETE"
    assert resources["Table"]["ResourceStatus"] == "CREATE_FAILED"


def test_failed_update_rolls_back_to_the_previous_template(stacks: Any, sqs: Any) -> None:
    stack = stacks.create(QUEUE)
    name = stack["StackName"]
    table = BAD_TABLE.split("  Table:\n", 1)[1]
    broken = QUEUE.replace("Outputs:", "  Table:\n" + table + "Outputs:")
    updated = stacks.update(name, broken, Parameters=[{"ParameterKey": "Delay",
                                                       "ParameterValue": "7"}])
    assert updated["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    found = [e[:2] for e in events(stacks.cfn, name)]
    assert (name, "UPDATE_ROLLBACK_IN_PROGRESS") in found
    assert (name, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS") in found
    url = stacks.outputs(updated)["Url"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])[
        "Attributes"]["DelaySeconds"] == "0"
    assert set(stacks.resources(name)) == {"Queue", "Topic"}
    original = stacks.cfn.get_template(StackName=name)["TemplateBody"]
    assert original == QUEUE


def test_no_updates_and_termination_protection(stacks: Any, expect_error: Any) -> None:
    stack = stacks.create(QUEUE, EnableTerminationProtection=True)
    name = stack["StackName"]
    assert stack["EnableTerminationProtection"] is True
    expect_error(stacks.cfn.update_stack, "ValidationError", "No updates are to be performed.",
                 StackName=name, TemplateBody=QUEUE)
    expect_error(stacks.cfn.delete_stack, "ValidationError",
                 f"Stack [{name}] cannot be deleted while TerminationProtection is enabled",
                 StackName=name)
    stacks.cfn.update_termination_protection(StackName=name, EnableTerminationProtection=False)
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"


def test_stack_errors(stacks: Any, expect_error: Any) -> None:
    stack = stacks.create(QUEUE)
    name = stack["StackName"]
    expect_error(stacks.cfn.create_stack, "AlreadyExistsException",
                 f"Stack [{name}] already exists", StackName=name, TemplateBody=QUEUE)
    expect_error(stacks.cfn.describe_stacks, "ValidationError",
                 "Stack with id nope does not exist", StackName="nope")
    expect_error(stacks.cfn.create_stack, "ValidationError",
                 "1 validation error detected: Value '1abc' at 'stackName' failed to satisfy "
                 "constraint: Member must satisfy regular expression pattern: "
                 "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*",
                 StackName="1abc", TemplateBody=QUEUE)
    stacks.cfn.delete_stack(StackName="never-existed")  # succeeds, as on AWS


REPLACED = """
Parameters:
  Name: {Type: String}
  Policy: {Type: String, Default: Delete}
Conditions:
  Keep: !Equals [!Ref Policy, Retain]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    UpdateReplacePolicy: Retain
    Properties: {QueueName: !Ref Name}
"""


def test_replacement_and_update_replace_policy(stacks: Any, sqs: Any, unique: Any) -> None:
    first, second = unique("q"), unique("q")
    stack = stacks.create(REPLACED, Parameters=[{"ParameterKey": "Name",
                                                 "ParameterValue": first}])
    name = stack["StackName"]
    old = stacks.physical(name, "Queue")
    updated = stacks.update(name, REPLACED, Parameters=[{"ParameterKey": "Name",
                                                         "ParameterValue": second}])
    assert updated["StackStatus"] == "UPDATE_COMPLETE"
    new = stacks.physical(name, "Queue")
    assert new != old and new.endswith(second)
    reasons = [e[2] for e in events(stacks.cfn, name) if e[:2] == ("Queue",
                                                                  "UPDATE_IN_PROGRESS")]
    assert reasons == ["Requested update requires the creation of a new physical resource; "
                       "hence creating one."]
    # UpdateReplacePolicy Retain: the old queue stays.
    assert sqs.get_queue_url(QueueName=first)["QueueUrl"] == old
    sqs.delete_queue(QueueUrl=old)
