"""CreateQueue, GetQueueUrl, ListQueues, Get/SetQueueAttributes, DeleteQueue and their errors."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from server_support import Raw, Server
from sqs_support import error_of


def test_create_queue_returns_url_on_request_host(sqs: Any, hw: Server,
                                                  unique: Callable[[str], str]) -> None:
    name = unique("q")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"{hw.url}/000000000000/{name}"
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    sqs.delete_queue(QueueUrl=url)


def test_create_queue_is_idempotent_with_same_attributes(sqs: Any, unique: Callable[[str], str]
                                                         ) -> None:
    name = unique("q")
    first = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})
    again = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})
    plain = sqs.create_queue(QueueName=name)
    assert first["QueueUrl"] == again["QueueUrl"] == plain["QueueUrl"]
    error = error_of(lambda: sqs.create_queue(QueueName=name,
                                              Attributes={"VisibilityTimeout": "61"}))
    assert error["Code"] == "QueueAlreadyExists"
    assert error["QueryErrorCode"] == "QueueNameExists"
    assert error["Message"] == ("A queue already exists with the same name and a different "
                                "value for attribute VisibilityTimeout")
    with pytest.raises(sqs.exceptions.QueueNameExists):
        sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "5"})
    sqs.delete_queue(QueueUrl=first["QueueUrl"])


@pytest.mark.parametrize("name", ["has space", "x" * 81, "dots.not.allowed"])
def test_create_queue_rejects_bad_names(sqs: Any, name: str) -> None:
    error = error_of(lambda: sqs.create_queue(QueueName=name))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == ("Can only include alphanumeric characters, hyphens, or "
                                "underscores. 1 to 80 in length")
    assert error["Status"] == 400


@pytest.mark.parametrize(("attribute", "value"), [
    ("DelaySeconds", "901"), ("VisibilityTimeout", "-1"), ("MessageRetentionPeriod", "59"),
    ("MaximumMessageSize", "1023"), ("ReceiveMessageWaitTimeSeconds", "21"),
    ("VisibilityTimeout", "soon"),
])
def test_create_queue_rejects_bad_attribute_values(sqs: Any, unique: Callable[[str], str],
                                                   attribute: str, value: str) -> None:
    error = error_of(lambda: sqs.create_queue(QueueName=unique("q"),
                                              Attributes={attribute: value}))
    assert error["Code"] == "InvalidAttributeValue"
    assert error["Message"] == f"Invalid value for the parameter {attribute}."


def test_unknown_attribute_name(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    error = error_of(lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Colour": "1"}))
    assert (error["Code"], error["Message"]) == ("InvalidAttributeName", "Unknown Attribute Colour.")
    error = error_of(lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Colour"]))
    assert error["Code"] == "InvalidAttributeName"


def test_missing_queue_is_queue_does_not_exist(sqs: Any, hw: Server) -> None:
    url = f"{hw.url}/000000000000/no-such-queue"
    for call in (
        lambda: sqs.get_queue_url(QueueName="no-such-queue"),
        lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
        lambda: sqs.receive_message(QueueUrl=url),
        lambda: sqs.purge_queue(QueueUrl=url),
        lambda: sqs.delete_queue(QueueUrl=url),
    ):
        error = error_of(call)
        assert error == {
            "Code": "AWS.SimpleQueueService.NonExistentQueue",
            "QueryErrorCode": "QueueDoesNotExist",
            "Type": "Sender",
            "Message": "The specified queue does not exist.",
            "Status": 400,
            "QueryError": "AWS.SimpleQueueService.NonExistentQueue;Sender",
        }
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="no-such-queue")


def test_get_queue_attributes_all_and_named(sqs: Any, make_queue: Callable[..., str],
                                            hw: Server) -> None:
    url = make_queue(VisibilityTimeout="45")
    name = url.rsplit("/", 1)[1]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    now = hw.now()
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:000000000000:{name}"
    assert attributes["VisibilityTimeout"] == "45"
    assert attributes["DelaySeconds"] == "0"
    assert attributes["MessageRetentionPeriod"] == "345600"
    assert attributes["MaximumMessageSize"] == "1048576"
    assert attributes["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "0"
    assert abs(int(attributes["CreatedTimestamp"]) - now) < 5
    named = sqs.get_queue_attributes(QueueUrl=url,
                                     AttributeNames=["VisibilityTimeout", "QueueArn"])
    assert named["Attributes"] == {"VisibilityTimeout": "45",
                                   "QueueArn": attributes["QueueArn"]}
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)


def test_set_queue_attributes(sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "10",
                                                       "ReceiveMessageWaitTimeSeconds": "5"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["DelaySeconds"] == "10"
    assert attributes["ReceiveMessageWaitTimeSeconds"] == "5"
    error = error_of(lambda: sqs.set_queue_attributes(QueueUrl=url,
                                                      Attributes={"DelaySeconds": "1000"}))
    assert error["Code"] == "InvalidAttributeValue"


def test_list_queues_prefix_and_pages(sqs: Any, make_queue: Callable[..., str],
                                      unique: Callable[[str], str]) -> None:
    prefix = unique("lq")
    urls = sorted(make_queue(prefix) for _ in range(5))
    listed = sqs.list_queues(QueueNamePrefix=prefix)
    assert listed["QueueUrls"] == urls
    assert "NextToken" not in listed
    first = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    assert first["QueueUrls"] == urls[:2]
    second = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=first["NextToken"])
    third = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=2, NextToken=second["NextToken"])
    assert second["QueueUrls"] + third["QueueUrls"] == urls[2:]
    assert "NextToken" not in third
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique("none"))
    error = error_of(lambda: sqs.list_queues(MaxResults=1001))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == ("Value 1001 for parameter MaxResults is invalid. Reason: "
                                "MaxResults must be an integer between 1 and 1000.")


@pytest.mark.parametrize("max_results", [0, -1, 1001])
def test_dead_letter_source_listing_checks_max_results(sqs: Any, make_queue: Callable[..., str],
                                                       max_results: int) -> None:
    """Issue 11: out of range, MaxResults answered 500 (an IndexError paging the list)."""
    error = error_of(lambda: sqs.list_dead_letter_source_queues(QueueUrl=make_queue(),
                                                                MaxResults=max_results))
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == (f"Value {max_results} for parameter MaxResults is invalid. "
                                "Reason: MaxResults must be an integer between 1 and 1000.")


def test_integral_json_number_for_max_results_pages(hw: Server, make_queue: Callable[..., str],
                                                    unique: Callable[[str], str]) -> None:
    """A JSON 2.0 where an integer belongs deserialises to 2 (it was a float slice index: 500)."""
    prefix = unique("lq")
    urls = sorted(make_queue(prefix) for _ in range(3))
    status, body = Raw(hw.url).call("AmazonSQS.ListQueues",
                                    {"QueueNamePrefix": prefix, "MaxResults": 2.0})
    assert status == 200
    assert body["QueueUrls"] == urls[:2] and "NextToken" in body


def test_delete_queue_removes_it_and_its_messages(sqs: Any, unique: Callable[[str], str]
                                                  ) -> None:
    name = unique("q")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="gone soon")
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_queue(QueueUrl=url)


def test_accounts_and_regions_are_separate(hw: Server, unique: Callable[[str], str]) -> None:
    name = unique("q")
    mine = hw.client("sqs")
    other = hw.client("sqs", aws_access_key_id="111122223333")
    west = hw.client("sqs", region_name="us-west-2")
    url = mine.create_queue(QueueName=name)["QueueUrl"]
    for stranger in (other, west):
        with pytest.raises(stranger.exceptions.QueueDoesNotExist):
            stranger.get_queue_url(QueueName=name)
    assert other.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="000000000000")[
        "QueueUrl"] == url
    mine.delete_queue(QueueUrl=url)


def test_queue_tags(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("q"), tags={"team": "data"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "data"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "infra"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "infra", "env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
    error = error_of(lambda: sqs.tag_queue(QueueUrl=url,
                                           Tags={f"k{i}": "v" for i in range(51)}))
    assert error["Code"] == "InvalidParameterValue"
    sqs.delete_queue(QueueUrl=url)


def test_malformed_queue_url_is_invalid_address(sqs: Any) -> None:
    error = error_of(lambda: sqs.send_message(QueueUrl="not-a-queue-url", MessageBody="x"))
    assert error["Code"] == "InvalidAddress"
    assert error["Message"] == "The address not-a-queue-url is not valid for this endpoint."
    with pytest.raises(sqs.exceptions.InvalidAddress):
        sqs.get_queue_attributes(QueueUrl="http://localhost/", AttributeNames=["All"])


def test_queue_url_without_a_host_header_names_this_server(hw: Server,
                                                           unique: Callable[[str], str]) -> None:
    # A request without Host (HTTP/1.0) gets a URL on the address the server is bound to, not
    # on a fixed localhost:4566.
    name = unique("q")
    body = orjson.dumps({"QueueName": name})
    address = hw.url.removeprefix("http://")
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.0\r\nContent-Type: application/x-amz-json-1.0\r\n"
                     b"X-Amz-Target: AmazonSQS.CreateQueue\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    head, _, payload = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200"), head
    assert orjson.loads(payload)["QueueUrl"] == f"http://{address}/000000000000/{name}"
