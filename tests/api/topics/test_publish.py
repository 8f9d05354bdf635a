"""Publish and delivery to subscribed SQS queues: raw and in the SNS notification envelope."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import orjson
from server_support import Server
from sqs_support import error_of

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _one(sqs: Any, url: str) -> dict[str, Any]:
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"],
                                    MessageSystemAttributeNames=["All"])["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return message  # type: ignore[no-any-return]


def test_publish_delivers_the_notification_envelope(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]], sns_hw: Server) -> None:
    topic = make_topic()
    url, queue_arn = make_queue_arn()
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)[
        "SubscriptionArn"]
    message_id = sns.publish(TopicArn=topic, Message="hello ✓", Subject="Greeting",
                             MessageAttributes={
                                 "colour": {"DataType": "String", "StringValue": "blue"},
                                 "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                             })["MessageId"]
    received = _one(sns_sqs, url)
    assert "MessageAttributes" not in received
    body = received["Body"]
    assert body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : ')
    envelope = orjson.loads(body)
    assert list(envelope) == ["Type", "MessageId", "TopicArn", "Subject", "Message",
                              "Timestamp", "SignatureVersion", "Signature", "SigningCertURL",
                              "UnsubscribeURL", "MessageAttributes"]
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == message_id
    assert envelope["TopicArn"] == topic
    assert envelope["Subject"] == "Greeting"
    assert envelope["Message"] == "hello ✓"
    assert ISO_MS.fullmatch(envelope["Timestamp"])
    assert envelope["SignatureVersion"] == "1"
    assert base64.b64decode(envelope["Signature"])
    assert envelope["SigningCertURL"].startswith("https://sns.us-east-1.amazonaws.com/")
    assert envelope["UnsubscribeURL"] == ("https://sns.us-east-1.amazonaws.com/?Action="
                                          f"Unsubscribe&SubscriptionArn={subscription}")
    assert envelope["MessageAttributes"] == {
        "colour": {"Type": "String", "Value": "blue"},
        "blob": {"Type": "Binary", "Value": "AAE="},
    }


def test_envelope_without_subject_or_attributes(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, queue_arn = make_queue_arn()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic, Message='{"json": "inside"}')
    envelope = orjson.loads(_one(sns_sqs, url)["Body"])
    assert "Subject" not in envelope and "MessageAttributes" not in envelope
    assert orjson.loads(envelope["Message"]) == {"json": "inside"}


def test_raw_delivery_passes_message_and_attributes(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, queue_arn = make_queue_arn()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    attributes = {"n": {"DataType": "Number", "StringValue": "7"}}
    sns.publish(TopicArn=topic, Message="raw body", MessageAttributes=attributes)
    received = _one(sns_sqs, url)
    assert received["Body"] == "raw body"
    assert received["MessageAttributes"] == attributes


def test_publish_fans_out_to_every_subscription(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    queues = [make_queue_arn() for _ in range(3)]
    for _, arn in queues:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                      Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="to all")
    assert [_one(sns_sqs, url)["Body"] for url, _ in queues] == ["to all"] * 3


def test_delivery_to_a_deleted_queue_is_dropped(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]], unique: Callable[[str], str]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    name = unique("gone")
    gone = sns_sqs.create_queue(QueueName=name)["QueueUrl"]
    gone_arn = arn.rsplit(":", 1)[0] + ":" + name
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=gone_arn)
    sns_sqs.delete_queue(QueueUrl=gone)
    assert sns.publish(TopicArn=topic, Message="still delivered")["MessageId"]
    assert orjson.loads(_one(sns_sqs, url)["Body"])["Message"] == "still delivered"


def test_message_structure_json_picks_the_sqs_entry(
        sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
        make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=orjson.dumps({"default": "d", "sqs": "for queues"}).decode())
    assert _one(sns_sqs, url)["Body"] == "for queues"
    error = error_of(lambda: sns.publish(TopicArn=topic, MessageStructure="json",
                                         Message='{"sqs": "no default"}'))
    assert error["Message"] == ("Invalid parameter: Message Structure - No default entry in "
                                "JSON message body")


def test_publish_errors(sns: Any, make_topic: Callable[[], str]) -> None:
    topic = make_topic()
    error = error_of(lambda: sns.publish(TopicArn=topic, Message=""))
    assert (error["Code"], error["Message"]) == ("InvalidParameter",
                                                 "Invalid parameter: Empty message")
    error = error_of(lambda: sns.publish(TopicArn=topic, Message="x" * 262145))
    assert error["Message"] == "Invalid parameter: Message too long"
    error = error_of(lambda: sns.publish(TopicArn=topic, Message="x", Subject="line\nbreak"))
    assert error["Message"] == "Invalid parameter: Subject"
    error = error_of(lambda: sns.publish(Message="x"))
    assert error["Message"] == ("Invalid parameter: TopicArn or TargetArn Reason: no value for "
                                "required parameter")
    error = error_of(lambda: sns.publish(TopicArn=topic, Message="x", MessageAttributes={
        "a": {"DataType": "Colour", "StringValue": "x"}}))
    assert error["Code"] == "ParameterValueInvalid"
    assert error["Message"] == ("The message attribute 'a' has an invalid message attribute "
                                "type, the set of supported type prefixes is Binary, Number, "
                                "and String.")
    assert sns.publish(TargetArn=topic, Message="by target")["MessageId"]


def test_publish_batch(sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
                       make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "one", "Message": "first"},
        {"Id": "two", "Message": ""},
        {"Id": "three", "Message": "third", "MessageAttributes": {
            "k": {"DataType": "String", "StringValue": "v"}}},
    ])
    assert [e["Id"] for e in result["Successful"]] == ["one", "three"]
    assert result["Failed"] == [{"Id": "two", "Code": "InvalidParameter",
                                 "Message": "Invalid parameter: Empty message",
                                 "SenderFault": True}]
    messages = sns_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in messages) == ["first", "third"]
    for entries, code in (
        ([], "EmptyBatchRequest"),
        ([{"Id": str(i), "Message": "x"} for i in range(11)], "TooManyEntriesInBatchRequest"),
        ([{"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}], "BatchEntryIdsNotDistinct"),
        ([{"Id": "no spaces", "Message": "x"}], "InvalidBatchEntryId"),
        ([{"Id": str(i), "Message": "x" * 100000} for i in range(3)], "BatchRequestTooLong"),
    ):
        error = error_of(lambda entries=entries: sns.publish_batch(  # type: ignore[misc]
            TopicArn=topic, PublishBatchRequestEntries=entries))
        assert (error["Code"], error["Status"]) == (code, 400)
