"""Queues, messages (with their visibility and receive counts), topics and subscriptions
survive a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_support import start_server

pytestmark = [pytest.mark.local_only, pytest.mark.slow]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = start_server("--data-dir", str(tmp_path))
    try:
        sqs, sns = first.client("sqs"), first.client("sns")
        url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "100"})[
            "QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        topic = sns.create_topic(Name="durable-topic")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                      Attributes={"RawMessageDelivery": "true"})
        sqs.send_message(QueueUrl=url, MessageBody="in flight")
        [taken] = sqs.receive_message(QueueUrl=url)["Messages"]
        sqs.send_message(QueueUrl=url, MessageBody="waiting")
    finally:
        first.stop()
    second = start_server("--data-dir", str(tmp_path))
    try:
        sqs, sns = second.client("sqs"), second.client("sns")
        url = sqs.get_queue_url(QueueName="durable")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["VisibilityTimeout"] == "100"
        assert attributes["ApproximateNumberOfMessages"] == "1"
        assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
        sns.publish(TopicArn=topic, Message="published after restart")
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       MessageSystemAttributeNames=["All"])["Messages"]
        assert sorted(m["Body"] for m in messages) == ["published after restart", "waiting"]
        second.advance(101)
        [again] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])[
            "Messages"]
        assert again["MessageId"] == taken["MessageId"]
        assert again["Attributes"]["ApproximateReceiveCount"] == "2"
        sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    finally:
        second.stop()
