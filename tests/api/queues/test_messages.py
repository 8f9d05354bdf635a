"""SendMessage, SendMessageBatch and ReceiveMessage: digests, attributes, delays, limits."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from server_support import Server
from sqs_support import error_of


def test_send_returns_body_md5_and_receive_returns_the_message(
        sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    body = "héllo wörld ✓ 𝄞"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert "MD5OfMessageAttributes" not in sent
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == body
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["ReceiptHandle"]
    assert "Attributes" not in message and "MessageAttributes" not in message


# Digests moto's SQS tests pin as what AWS returns for these attributes.
@pytest.mark.parametrize(("name", "value", "digest"), [
    ("timestamp", "1493147359900", "235c5c510d26fb653d073faed50ae77c"),
    ("timestamp", "1493147359901", "994258b45346a2cc3f9cbb611aa7af30"),
    ("SOME_Valid.attribute-Name", "1493147359900", "36655e7e9d7c0e8479fa3f3f42247ae7"),
])
def test_message_attribute_md5_matches_aws(sqs: Any, make_queue: Callable[..., str],
                                           name: str, value: str, digest: str) -> None:
    url = make_queue()
    attributes = {name: {"DataType": "Number", "StringValue": value}}
    sent = sqs.send_message(QueueUrl=url, MessageBody="derp", MessageAttributes=attributes)
    assert sent["MD5OfMessageBody"] == "58fd9edd83341c29f1aebba81c31e257"
    assert sent["MD5OfMessageAttributes"] == digest
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["MD5OfMessageAttributes"] == digest
    assert message["MessageAttributes"] == attributes


def _expected_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """AWS's algorithm, written independently of the server's: length-prefixed fields."""
    out = b""
    for name in sorted(attributes):
        value = attributes[name]
        binary = value["DataType"].startswith("Binary")
        payload = value["BinaryValue"] if binary else value["StringValue"].encode()
        for part in (name.encode(), value["DataType"].encode()):
            out += len(part).to_bytes(4, "big") + part
        out += (b"\x02" if binary else b"\x01") + len(payload).to_bytes(4, "big") + payload
    return hashlib.md5(out).hexdigest()


def test_attribute_selection_and_binary_values(sqs: Any, make_queue: Callable[..., str]
                                               ) -> None:
    url = make_queue()
    attributes = {
        "colour": {"DataType": "String", "StringValue": "blue"},
        "colour.shade": {"DataType": "String.custom", "StringValue": "navy"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "count": {"DataType": "Number", "StringValue": "42"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="b", MessageAttributes=attributes)
    assert sent["MD5OfMessageAttributes"] == _expected_md5(attributes)
    for names, expected in (
        (["All"], set(attributes)),
        ([".*"], set(attributes)),
        (["colour.*"], {"colour.shade"}),
        (["blob", "count", "missing"], {"blob", "count"}),
    ):
        [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=names,
                                        VisibilityTimeout=0)["Messages"]
        assert set(message["MessageAttributes"]) == expected
        returned = {k: attributes[k] for k in expected}
        assert message["MD5OfMessageAttributes"] == _expected_md5(returned)
    [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    assert "MessageAttributes" not in message
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["blob"])["Messages"]
    assert message["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01\xff"


def test_system_attributes_and_receive_counts(sqs: Any, make_queue: Callable[..., str],
                                              hw: Server) -> None:
    url = make_queue()
    before = hw.now()
    sqs.send_message(QueueUrl=url, MessageBody="count me")
    firsts = set()
    for expected in (1, 2, 3):
        [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0,
                                        MessageSystemAttributeNames=["All"])["Messages"]
        attributes = message["Attributes"]
        assert attributes["ApproximateReceiveCount"] == str(expected)
        assert abs(int(attributes["SentTimestamp"]) / 1000 - before) < 5
        assert attributes["SenderId"] == "000000000000"
        firsts.add(attributes["ApproximateFirstReceiveTimestamp"])
    assert len(firsts) == 1
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])[
        "Messages"]
    assert message["Attributes"] == {"ApproximateReceiveCount": "4"}


def test_receive_returns_at_most_max_number_of_messages(sqs: Any, make_queue: Callable[..., str]
                                                        ) -> None:
    url = make_queue()
    for index in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(first) == 10 and len(second) == 2
    assert sorted(m["Body"] for m in first + second) == sorted(f"m{i}" for i in range(12))
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "12"


@pytest.mark.parametrize(("parameter", "value", "reason"), [
    ("MaxNumberOfMessages", 11, "Must be between 1 and 10, if provided."),
    ("MaxNumberOfMessages", 0, "Must be between 1 and 10, if provided."),
    ("WaitTimeSeconds", 21, "Must be >= 0 and <= 20, if provided."),
    ("VisibilityTimeout", 43201, "Must be >= 0 and <= 43200, if provided."),
])
def test_receive_parameter_ranges(sqs: Any, make_queue: Callable[..., str], parameter: str,
                                  value: int, reason: str) -> None:
    url = make_queue()
    error = error_of(lambda: sqs.receive_message(QueueUrl=url, **{parameter: value}))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == (f"Value {value} for parameter {parameter} is invalid. "
                                f"Reason: {reason}")


def test_send_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue(MaximumMessageSize="1024")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x" * 1025))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == ("One or more parameters are invalid. Reason: Message must be "
                                "shorter than 1024 bytes.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="bad \x00 char"))
    assert error["Code"] == "InvalidMessageContents"
    assert error["Message"].startswith("Invalid characters found.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody=""))
    assert (error["Code"], error["Message"]) == (
        "MissingParameter", "The request must contain the parameter MessageBody.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901))
    assert error["Message"] == ("Value 901 for parameter DelaySeconds is invalid. Reason: "
                                "DelaySeconds must be >= 0 and <= 900.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
        "a": {"DataType": "String", "StringValue": ""}}))
    assert error["Message"] == ("Message (user) attribute 'a' must contain a non-empty value of "
                                "message attribute type 'String'.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
        "a": {"DataType": "Colour", "StringValue": "x"}}))
    assert error["Code"] == "InvalidParameterValue"
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
        f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)}))
    assert error["Message"] == ("Number of message attributes [11] exceeds the allowed maximum "
                                "[10].")


def test_delays_use_the_clock(sqs: Any, make_queue: Callable[..., str], hw: Server) -> None:
    url = make_queue(DelaySeconds="30")
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="own delay", DelaySeconds=120)
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert message["Body"] == "no delay"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesDelayed"] == "2"
    hw.advance(31)
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert message["Body"] == "queue delay"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    hw.advance(90)
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert message["Body"] == "own delay"


def test_send_message_batch(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    attributes = {"k": {"DataType": "String", "StringValue": "v"}}
    result = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "first", "MessageAttributes": attributes},
        {"Id": "b", "MessageBody": "bad \x01"},
        {"Id": "c", "MessageBody": "third", "DelaySeconds": 0},
    ])
    assert [entry["Id"] for entry in result["Successful"]] == ["a", "c"]
    first = result["Successful"][0]
    assert first["MD5OfMessageBody"] == hashlib.md5(b"first").hexdigest()
    assert first["MD5OfMessageAttributes"] == _expected_md5(attributes)
    [failed] = result["Failed"]
    assert failed["Id"] == "b" and failed["Code"] == "InvalidMessageContents"
    assert failed["SenderFault"] is True
    bodies = {m["Body"] for m in sqs.receive_message(QueueUrl=url,
                                                     MaxNumberOfMessages=10)["Messages"]}
    assert bodies == {"first", "third"}


def test_send_message_batch_errors(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    error = error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "same", "MessageBody": "1"}, {"Id": "same", "MessageBody": "2"}]))
    assert error["Code"] == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert error["QueryErrorCode"] == "BatchEntryIdsNotDistinct"
    error = error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": "x"} for i in range(11)]))
    assert error["Code"] == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    error = error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[]))
    assert error["Code"] == "AWS.SimpleQueueService.EmptyBatchRequest"
    error = error_of(lambda: sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "no spaces", "MessageBody": "x"}]))
    assert error["Code"] == "AWS.SimpleQueueService.InvalidBatchEntryId"
    small = make_queue(MaximumMessageSize="1024")
    error = error_of(lambda: sqs.send_message_batch(QueueUrl=small, Entries=[
        {"Id": str(i), "MessageBody": "x" * 600} for i in range(2)]))
    assert error["Code"] == "AWS.SimpleQueueService.BatchRequestTooLong"


def test_binary_attribute_base64_on_the_wire_is_decoded_for_md5(
        sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    raw = bytes(range(256))
    sent = sqs.send_message(QueueUrl=url, MessageBody="bin", MessageAttributes={
        "data": {"DataType": "Binary", "BinaryValue": raw}})
    assert sent["MD5OfMessageAttributes"] == _expected_md5(
        {"data": {"DataType": "Binary", "BinaryValue": raw}})
    assert base64.b64encode(raw)


def test_trace_header_system_attribute(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    system = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    sent = sqs.send_message(QueueUrl=url, MessageBody="traced", MessageSystemAttributes=system)
    assert sent["MD5OfMessageSystemAttributes"] == _expected_md5(system)
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])[
        "Messages"]
    assert message["Attributes"]["AWSTraceHeader"] == trace
    sqs.send_message(QueueUrl=url, MessageBody="untraced")
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])[
        "Messages"]
    assert "AWSTraceHeader" not in message["Attributes"]
