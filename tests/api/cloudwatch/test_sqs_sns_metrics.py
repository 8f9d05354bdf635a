"""AWS/SQS metrics by QueueName and AWS/SNS metrics by TopicName (the SQS and SNS developer
guides' metric tables), each checked against the work done; queue depths are sampled once a
minute of clock time."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from server_support import Clock, wait_for


def test_queue_counters(sqs: Any, unique: Callable[[str], str],
                        stats: Callable[..., dict[str, Any]]) -> None:
    name = unique("q")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    for body in ("a" * 10, "b" * 30, "c" * 20):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    for message in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)  # the third one
    empty = sqs.create_queue(QueueName=name + "-empty")["QueueUrl"]
    sqs.receive_message(QueueUrl=empty)
    dims = {"QueueName": name}
    assert stats("AWS/SQS", "NumberOfMessagesSent", dims)["Sum"] == 3
    size = stats("AWS/SQS", "SentMessageSize", dims)
    assert (size["Sum"], size["Maximum"], size["Unit"]) == (60, 30, "Bytes")
    assert stats("AWS/SQS", "NumberOfMessagesReceived", dims)["Sum"] == 3
    assert stats("AWS/SQS", "NumberOfMessagesDeleted", dims)["Sum"] == 2
    assert stats("AWS/SQS", "NumberOfEmptyReceives", {"QueueName": name + "-empty"})["Sum"] == 1
    assert stats("AWS/SQS", "NumberOfEmptyReceives", dims) == {}


def test_queue_depth_is_sampled_each_minute(sqs: Any, clock: Clock, unique: Callable[[str], str],
                                            stats: Callable[..., dict[str, Any]]) -> None:
    name = unique("q")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    for _ in range(4):
        sqs.send_message(QueueUrl=url, MessageBody="m")
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
    clock.advance(120)
    dims = {"QueueName": name}
    visible = wait_for(lambda: stats("AWS/SQS", "ApproximateNumberOfMessagesVisible", dims))
    assert visible["Maximum"] == 3
    assert stats("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", dims)["Maximum"] == 1
    assert stats("AWS/SQS", "ApproximateNumberOfMessagesDelayed", dims)["Maximum"] == 1
    age = stats("AWS/SQS", "ApproximateAgeOfOldestMessage", dims)
    assert age["Unit"] == "Seconds" and age["Maximum"] >= 60


def test_topic_metrics(sns: Any, sqs: Any, unique: Callable[[str], str],
                       stats: Callable[..., dict[str, Any]]) -> None:
    name = unique("t")
    topic = sns.create_topic(Name=name)["TopicArn"]
    arns = []
    for _ in range(2):
        url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
        arns.append(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns[0])
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns[1],
                  Attributes={"FilterPolicy": json.dumps({"kind": ["wanted"]})})
    sns.publish(TopicArn=topic, Message="hello")
    sns.publish(TopicArn=topic, Message="hi")
    dims = {"TopicName": name}
    assert stats("AWS/SNS", "NumberOfMessagesPublished", dims)["Sum"] == 2
    assert stats("AWS/SNS", "PublishSize", dims)["Sum"] == len("hello") + len("hi")
    assert stats("AWS/SNS", "NumberOfNotificationsDelivered", dims)["Sum"] == 2
    assert stats("AWS/SNS", "NumberOfNotificationsFilteredOut", dims)["Sum"] == 2
    assert stats("AWS/SNS", "NumberOfNotificationsFailed", dims) == {}
