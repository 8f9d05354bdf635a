"""FIFO queues: naming, MessageGroupId, deduplication (explicit and content-based, over the
5-minute window on the clock), SequenceNumber, and strict order within a group."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_support import Server
from sqs_support import error_of


@pytest.fixture
def make_fifo(sqs: Any, unique: Callable[[str], str]) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(**attributes: str) -> str:
        url = sqs.create_queue(QueueName=unique("fifo") + ".fifo",
                               Attributes={"FifoQueue": "true", **attributes})["QueueUrl"]
        created.append(url)
        return str(url)

    yield make
    for url in created:
        sqs.delete_queue(QueueUrl=url)


def _receive(sqs: Any, url: str, count: int = 10, **kwargs: Any) -> list[dict[str, Any]]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=count,  # type: ignore[no-any-return]
                               MessageSystemAttributeNames=["All"], **kwargs).get("Messages", [])


def test_fifo_naming_and_attributes(sqs: Any, make_fifo: Callable[..., str],
                                    unique: Callable[[str], str]) -> None:
    url = make_fifo()
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"
    message = ("The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
               "underscores, must end with .fifo suffix and be 1 to 80 in length.")
    for name, extra in ((unique("q") + ".fifo", {}), (unique("q"), {"FifoQueue": "true"})):
        error = error_of(lambda: sqs.create_queue(QueueName=name, Attributes=extra))
        assert (error["Code"], error["Message"]) == ("InvalidParameterValue", message)
    error = error_of(lambda: sqs.set_queue_attributes(QueueUrl=url,
                                                      Attributes={"FifoQueue": "false"}))
    assert error["Code"] == "InvalidAttributeValue"
    error = error_of(lambda: sqs.create_queue(QueueName=unique("q"), Attributes={
        "ContentBasedDeduplication": "true"}))
    assert error["Code"] == "InvalidAttributeName"


def test_fifo_send_requirements(sqs: Any, make_fifo: Callable[..., str]) -> None:
    url = make_fifo()
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x",
                                              MessageDeduplicationId="d"))
    assert (error["Code"], error["Message"]) == (
        "MissingParameter", "The request must contain the parameter MessageGroupId.")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g"))
    assert error["Message"] == ("The queue should either have ContentBasedDeduplication enabled "
                                "or MessageDeduplicationId provided explicitly")
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                                              MessageDeduplicationId="d", DelaySeconds=5))
    assert error["Code"] == "InvalidParameterValue"


def test_deduplication_window(sqs: Any, make_fifo: Callable[..., str], hw: Server) -> None:
    url = make_fifo()
    first = sqs.send_message(QueueUrl=url, MessageBody="once", MessageGroupId="g",
                             MessageDeduplicationId="same")
    again = sqs.send_message(QueueUrl=url, MessageBody="twice", MessageGroupId="g",
                             MessageDeduplicationId="same")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    [message] = _receive(sqs, url)
    assert message["Body"] == "once"
    assert message["Attributes"]["MessageDeduplicationId"] == "same"
    assert message["Attributes"]["MessageGroupId"] == "g"
    assert message["Attributes"]["SequenceNumber"] == first["SequenceNumber"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="still a duplicate", MessageGroupId="g",
                     MessageDeduplicationId="same")
    assert _receive(sqs, url) == []
    hw.advance(301)
    later = sqs.send_message(QueueUrl=url, MessageBody="after the window", MessageGroupId="g",
                             MessageDeduplicationId="same")
    assert later["MessageId"] != first["MessageId"]
    assert int(later["SequenceNumber"]) > int(first["SequenceNumber"])
    assert [m["Body"] for m in _receive(sqs, url)] == ["after the window"]


def test_content_based_deduplication(sqs: Any, make_fifo: Callable[..., str]) -> None:
    url = make_fifo(ContentBasedDeduplication="true")
    for body in ("a", "a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    assert [m["Body"] for m in _receive(sqs, url)] == ["a", "b"]


def test_group_order_and_blocking(sqs: Any, make_fifo: Callable[..., str]) -> None:
    url = make_fifo(ContentBasedDeduplication="true")
    for body in ("a1", "b1", "a2", "b2", "a3"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=body[0])
    first = _receive(sqs, url, count=1)
    assert [m["Body"] for m in first] == ["a1"]
    rest = _receive(sqs, url)
    assert [m["Body"] for m in rest] == ["b1", "b2"]  # group a is blocked by a1 in flight
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"],
                                  VisibilityTimeout=0)
    again = _receive(sqs, url)
    assert [m["Body"] for m in again] == ["a1", "a2", "a3"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_batch_send_to_fifo(sqs: Any, make_fifo: Callable[..., str]) -> None:
    url = make_fifo()
    result = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "one", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "2", "MessageBody": "two", "MessageGroupId": "g", "MessageDeduplicationId": "2"},
        {"Id": "3", "MessageBody": "no group", "MessageDeduplicationId": "3"},
    ])
    sequences = [int(entry["SequenceNumber"]) for entry in result["Successful"]]
    assert len(sequences) == 2 and sequences[0] < sequences[1]
    assert result["Failed"][0]["Code"] == "MissingParameter"
    assert [m["Body"] for m in _receive(sqs, url)] == ["one", "two"]


def test_standard_queues_reject_deduplication_ids(sqs: Any, make_queue: Callable[..., str]
                                                  ) -> None:
    url = make_queue()
    error = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="x",
                                              MessageDeduplicationId="d"))
    assert error["Code"] == "InvalidParameterValue"
    sqs.send_message(QueueUrl=url, MessageBody="fair", MessageGroupId="tenant-1")
    [message] = _receive(sqs, url)
    assert message["Attributes"]["MessageGroupId"] == "tenant-1"
    assert "SequenceNumber" not in message["Attributes"]
