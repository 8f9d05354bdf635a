"""Visibility timeouts on the clock, receipt handles, DeleteMessage, ChangeMessageVisibility,
PurgeQueue and dead-letter redrive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from server_support import Server
from sqs_support import error_of

pytestmark = pytest.mark.local_only


def _receive_one(sqs: Any, url: str, **kwargs: Any) -> dict[str, Any]:
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"],
                                    **kwargs)["Messages"]
    return message  # type: ignore[no-any-return]


def test_visibility_timeout_expires_on_the_clock(sqs: Any, make_queue: Callable[..., str],
                                                 hw: Server) -> None:
    url = make_queue(VisibilityTimeout="40")
    sqs.send_message(QueueUrl=url, MessageBody="again")
    first = _receive_one(sqs, url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    hw.advance(39)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    hw.advance(2)
    second = _receive_one(sqs, url, VisibilityTimeout=5)
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    hw.advance(6)
    assert _receive_one(sqs, url)["Attributes"]["ApproximateReceiveCount"] == "3"


def test_delete_message_needs_the_latest_receipt(sqs: Any, make_queue: Callable[..., str],
                                                 hw: Server) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="delete me")
    stale = _receive_one(sqs, url, VisibilityTimeout=0)["ReceiptHandle"]
    latest = _receive_one(sqs, url, VisibilityTimeout=0)["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=stale)  # succeeds, deletes nothing
    assert _receive_one(sqs, url, VisibilityTimeout=0)["Body"] == "delete me"
    latest = _receive_one(sqs, url)["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=latest)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=latest)  # deleting twice is fine
    hw.advance(31)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_invalid_receipt_handles(sqs: Any, make_queue: Callable[..., str]) -> None:
    url, other = make_queue(), make_queue()
    error = error_of(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage"))
    assert error == {
        "Code": "ReceiptHandleIsInvalid", "QueryErrorCode": "ReceiptHandleIsInvalid",
        "Type": "Sender", "Status": 400, "QueryError": "ReceiptHandleIsInvalid;Sender",
        "Message": 'The input receipt handle "garbage" is not a valid receipt handle.',
    }
    sqs.send_message(QueueUrl=other, MessageBody="elsewhere")
    handle = _receive_one(sqs, other)["ReceiptHandle"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)


def test_change_message_visibility(sqs: Any, make_queue: Callable[..., str],
                                   hw: Server) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="later")
    handle = _receive_one(sqs, url)["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=300)
    hw.advance(31)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    message = _receive_one(sqs, url, VisibilityTimeout=0)
    assert message["Body"] == "later"
    error = error_of(lambda: sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=10))
    assert error["Code"] == "AWS.SimpleQueueService.MessageNotInflight"
    assert error["QueryErrorCode"] == "MessageNotInflight"
    handle = _receive_one(sqs, url)["ReceiptHandle"]
    error = error_of(lambda: sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43201))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == ("Value 43201 for parameter VisibilityTimeout is invalid. "
                                "Reason: Must be between 0 and 43200, if provided.")
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    error = error_of(lambda: sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"].endswith("Reason: Message does not exist or is not available for "
                                     "visibility timeout change.")


def test_batch_delete_and_change_visibility(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])
    handles = [m["ReceiptHandle"] for m in sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    changed = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
        {"Id": "b", "ReceiptHandle": "nope", "VisibilityTimeout": 0}])
    assert [e["Id"] for e in changed["Successful"]] == ["a"]
    assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    handles[0] = _receive_one(sqs, url)["ReceiptHandle"]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles)])
    assert len(deleted["Successful"]) == 3 and deleted["Failed"] == []
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_purge_queue(sqs: Any, make_queue: Callable[..., str], hw: Server) -> None:
    url = make_queue()
    name = url.rsplit("/", 1)[1]
    for index in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(index))
    _receive_one(sqs, url)
    sqs.purge_queue(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"
    error = error_of(lambda: sqs.purge_queue(QueueUrl=url))
    assert error["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert error["Message"] == f"Only one PurgeQueue operation on {name} is allowed every 60 seconds."
    hw.advance(61)
    sqs.purge_queue(QueueUrl=url)


def test_redrive_to_dead_letter_queue(sqs: Any, make_queue: Callable[..., str]) -> None:
    dead = make_queue("dlq")
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    policy = orjson.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 2}).decode()
    url = make_queue(RedrivePolicy=policy)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    for _ in range(2):
        _receive_one(sqs, url, VisibilityTimeout=0)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert _receive_one(sqs, dead)["Body"] == "poison"
    assert sqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"] == [url]
    assert sqs.list_dead_letter_source_queues(QueueUrl=url)["queueUrls"] == []


def test_redrive_policy_checks(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    missing = "arn:aws:sqs:us-east-1:000000000000:no-such-dlq"
    for policy, reason in (
        ({"deadLetterTargetArn": missing, "maxReceiveCount": 3},
         "Dead letter target does not exist."),
        ({"deadLetterTargetArn": missing, "maxReceiveCount": 0},
         "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both "
         "inclusive."),
    ):
        text = orjson.dumps(policy).decode()
        error = error_of(lambda text=text: sqs.set_queue_attributes(  # type: ignore[misc]
            QueueUrl=url, Attributes={"RedrivePolicy": text}))
        assert error["Code"] == "InvalidParameterValue"
        assert error["Message"] == (f"Value {text} for parameter RedrivePolicy is invalid. "
                                    f"Reason: {reason}")


def test_messages_expire_after_the_retention_period(sqs: Any, make_queue: Callable[..., str],
                                                    hw: Server) -> None:
    url = make_queue(MessageRetentionPeriod="60")
    sqs.send_message(QueueUrl=url, MessageBody="short-lived")
    hw.advance(61)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"


def test_dead_letter_redrive_with_message_move_tasks(sqs: Any, make_queue: Callable[..., str]
                                                     ) -> None:
    dead = make_queue("dlq")
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    policy = orjson.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1}).decode()
    source = make_queue(RedrivePolicy=policy)
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs.send_message(QueueUrl=source, MessageBody="retry me")
    _receive_one(sqs, source, VisibilityTimeout=0)
    assert "Messages" not in sqs.receive_message(QueueUrl=source)
    letter = _receive_one(sqs, dead, VisibilityTimeout=0)
    assert letter["Attributes"]["DeadLetterQueueSourceArn"] == source_arn
    handle = sqs.start_message_move_task(SourceArn=dead_arn)["TaskHandle"]
    [task] = sqs.list_message_move_tasks(SourceArn=dead_arn)["Results"]
    assert task["TaskHandle"] == handle and task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 1
    back = _receive_one(sqs, source)
    assert back["Body"] == "retry me"
    assert back["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "DeadLetterQueueSourceArn" not in back["Attributes"]
    error = error_of(lambda: sqs.cancel_message_move_task(TaskHandle=handle))
    assert error["QueryErrorCode"] == "UnsupportedOperation"
    error = error_of(lambda: sqs.start_message_move_task(SourceArn=source_arn))
    assert error["Message"] == "Source queue must be configured as a Dead Letter Queue."
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.start_message_move_task(SourceArn=dead_arn + "-missing")
