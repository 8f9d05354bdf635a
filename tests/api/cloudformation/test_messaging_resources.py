"""AWS::SQS::Queue, AWS::SQS::QueuePolicy, AWS::SNS::Topic and AWS::SNS::Subscription:
created, updated in place (queue attributes, redrive, policy, topic display name,
subscription filter policy and raw delivery), replaced (a FIFO queue), deleted; Ref and
GetAtt as documented."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from stack_support import failures

MESSAGING = """
Parameters:
  Visibility: {Type: Number, Default: 30}
  Fifo: {Type: String, Default: "false"}
  Colour: {Type: String, Default: red}
Conditions:
  IsFifo: !Equals [!Ref Fifo, "true"]
Resources:
  Dead:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: !If [IsFifo, true, !Ref "AWS::NoValue"]}
  Inbox: {Type: AWS::SQS::Queue}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Visibility
      FifoQueue: !If [IsFifo, true, !Ref "AWS::NoValue"]
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dead.Arn, maxReceiveCount: 3}
      Tags: [{Key: colour, Value: !Ref Colour}]
  Plain: {Type: AWS::SQS::Queue}
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Plain]
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Principal: {Service: sns.amazonaws.com},
                     Action: sqs:SendMessage, Resource: !GetAtt Plain.Arn,
                     Condition: {StringEquals: {"aws:SourceAccount": !Ref Colour}}}]
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Ref Colour
      Subscription: [{Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}]
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: sqs
      Endpoint: !GetAtt Plain.Arn
      RawMessageDelivery: true
      FilterPolicy: {colour: [!Ref Colour]}
Outputs:
  Queue: {Value: !Ref Queue}
  QueueArn: {Value: !GetAtt Queue.Arn}
  QueueName: {Value: !GetAtt Queue.QueueName}
  QueueUrl: {Value: !GetAtt Queue.QueueUrl}
  Plain: {Value: !Ref Plain}
  Topic: {Value: !Ref Topic}
  TopicName: {Value: !GetAtt Topic.TopicName}
  Subscription: {Value: !Ref Subscription}
"""


def _params(**values: str) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def test_messaging_resources(stacks: Any, sqs: Any, sns: Any) -> None:
    stack = stacks.create(MESSAGING)
    assert stack["StackStatus"] == "CREATE_COMPLETE", failures(stacks.cfn, stack["StackId"])
    name = stack["StackName"]
    out = stacks.outputs(stack)
    attributes = sqs.get_queue_attributes(QueueUrl=out["Queue"], AttributeNames=["All"])[
        "Attributes"]
    assert (attributes["QueueArn"], attributes["VisibilityTimeout"]) == (out["QueueArn"], "30")
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 3
    assert out["QueueUrl"] == out["Queue"] and out["Queue"].endswith(out["QueueName"])
    assert sqs.list_queue_tags(QueueUrl=out["Queue"])["Tags"] == {"colour": "red"}
    policy = sqs.get_queue_attributes(QueueUrl=out["Plain"], AttributeNames=["Policy"])[
        "Attributes"]["Policy"]
    assert json.loads(policy)["Statement"][0]["Action"] == "sqs:SendMessage"
    assert sns.get_topic_attributes(TopicArn=out["Topic"])["Attributes"]["DisplayName"] == "red"
    assert out["Topic"].endswith(f":{out['TopicName']}")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=out["Topic"])["Subscriptions"]
    assert len(subscriptions) == 2
    found = sns.get_subscription_attributes(SubscriptionArn=out["Subscription"])["Attributes"]
    assert (found["RawMessageDelivery"], json.loads(found["FilterPolicy"])) == (
        "true", {"colour": ["red"]})
    # In place: attributes, tags, policy, display name, filter policy.
    updated = stacks.update(name, MESSAGING, Parameters=_params(Visibility="60",
                                                                Colour="blue"))
    assert updated["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, updated["StackId"])
    assert stacks.outputs(updated)["Queue"] == out["Queue"]
    assert sqs.get_queue_attributes(QueueUrl=out["Queue"], AttributeNames=[
        "VisibilityTimeout"])["Attributes"]["VisibilityTimeout"] == "60"
    assert sqs.list_queue_tags(QueueUrl=out["Queue"])["Tags"] == {"colour": "blue"}
    assert sns.get_topic_attributes(TopicArn=out["Topic"])["Attributes"][
        "DisplayName"] == "blue"
    found = sns.get_subscription_attributes(SubscriptionArn=out["Subscription"])["Attributes"]
    assert json.loads(found["FilterPolicy"]) == {"colour": ["blue"]}
    # FifoQueue is create-only: FIFO queues replace the standard ones (the dead-letter queue
    # too: SQS wants both of a kind).
    replaced = stacks.update(name, MESSAGING, Parameters=_params(Fifo="true"))
    assert replaced["StackStatus"] == "UPDATE_COMPLETE", failures(stacks.cfn, replaced["StackId"])
    fifo = stacks.outputs(replaced)["Queue"]
    assert fifo != out["Queue"] and fifo.endswith(".fifo")
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=out["Queue"])
    assert stacks.delete(name)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError):
        sns.get_topic_attributes(TopicArn=out["Topic"])
