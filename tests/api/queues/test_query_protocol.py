"""SQS over the legacy query protocol, as SDKs from before SQS's JSON protocol speak it: a
boto3 client built on the query-era model, and hand-written requests as the SQS API
reference's query examples show them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import urllib3
from botocore.config import Config
from server_support import CREDENTIALS, Server, sqs_query_protocol_session

from headwater.queues.query_model import XML_NAMESPACE

NS = {"sqs": XML_NAMESPACE}


@pytest.fixture(scope="module")
def legacy(hw: Server, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A boto3 SQS client that speaks the query protocol."""
    session = sqs_query_protocol_session(tmp_path_factory.mktemp("models"))
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return session.client(
        "sqs", endpoint_url=hw.url, config=config, **CREDENTIALS)


@pytest.fixture
def legacy_queue(legacy: Any, unique: Callable[[str], str]) -> Iterator[str]:
    url = legacy.create_queue(QueueName=unique("legacy"),
                              Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
    yield str(url)
    legacy.delete_queue(QueueUrl=url)


def test_legacy_client_round_trip(legacy: Any, legacy_queue: str) -> None:
    url = legacy_queue
    assert legacy.meta.service_model.protocol == "query"
    attributes = legacy.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "40"
    sent = legacy.send_message(QueueUrl=url, MessageBody="over query", MessageAttributes={
        "timestamp": {"DataType": "Number", "StringValue": "1493147359900"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    batch = legacy.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "batched"}, {"Id": "b", "MessageBody": "bad \x01"}])
    assert [e["Id"] for e in batch["Successful"]] == ["a"]
    assert batch["Failed"][0]["Code"] == "InvalidMessageContents"
    messages = legacy.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                      MessageAttributeNames=["All"],
                                      AttributeNames=["All"])["Messages"]
    by_body = {m["Body"]: m for m in messages}
    first = by_body["over query"]
    assert first["MessageId"] == sent["MessageId"]
    assert first["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01"
    assert first["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    deleted = legacy.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    assert len(deleted["Successful"]) == 2
    assert url in legacy.list_queues(QueueNamePrefix=url.rsplit("/", 1)[1])["QueueUrls"]
    legacy.tag_queue(QueueUrl=url, Tags={"team": "data"})
    assert legacy.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "data"}


def test_legacy_errors(legacy: Any, hw: Server) -> None:
    with pytest.raises(legacy.exceptions.QueueDoesNotExist) as caught:
        legacy.get_queue_url(QueueName="no-such-queue")
    error = caught.value.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["Message"] == "The specified queue does not exist."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _post(hw: Server, path: str, params: dict[str, str]) -> tuple[int, ET.Element]:
    http = urllib3.PoolManager()
    response = http.request("POST", hw.url + path, body=urlencode(params),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    return response.status, ET.fromstring(response.data)


def test_hand_written_query_requests(hw: Server, legacy_queue: str) -> None:
    path = "/" + legacy_queue.split("/", 3)[3]
    status, root = _post(hw, path, {
        "Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "This is a test message",
        "MessageAttribute.1.Name": "my_attribute_name_1",
        "MessageAttribute.1.Value.StringValue": "my_attribute_value_1",
        "MessageAttribute.1.Value.DataType": "String",
    })
    assert status == 200
    assert root.tag == f"{{{XML_NAMESPACE}}}SendMessageResponse"
    assert root.findtext("sqs:SendMessageResult/sqs:MD5OfMessageBody", namespaces=NS) == \
        "fafb00f5732ab283681e124bf8747ed1"
    status, root = _post(hw, "/", {
        "Action": "ReceiveMessage", "QueueUrl": legacy_queue, "AttributeName.1": "All",
        "MessageAttributeName.1": "All", "MaxNumberOfMessages": "5"})
    assert status == 200
    [message] = root.findall("sqs:ReceiveMessageResult/sqs:Message", NS)
    assert message.findtext("sqs:Body", namespaces=NS) == "This is a test message"
    names = {a.findtext("sqs:Name", namespaces=NS): a.findtext("sqs:Value", namespaces=NS)
             for a in message.findall("sqs:Attribute", NS)}
    assert names["ApproximateReceiveCount"] == "1"
    [attribute] = message.findall("sqs:MessageAttribute", NS)
    assert attribute.findtext("sqs:Name", namespaces=NS) == "my_attribute_name_1"
    assert attribute.findtext("sqs:Value/sqs:StringValue", namespaces=NS) == \
        "my_attribute_value_1"
    status, root = _post(hw, "/", {"Action": "GetQueueUrl", "QueueName": "no-such-queue"})
    assert status == 400
    assert root.findtext("sqs:Error/sqs:Code", namespaces=NS) == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert root.findtext("sqs:Error/sqs:Type", namespaces=NS) == "Sender"
