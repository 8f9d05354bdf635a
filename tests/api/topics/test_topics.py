"""CreateTopic, ListTopics, Get/SetTopicAttributes, Subscribe, ListSubscriptionsByTopic,
Unsubscribe, DeleteTopic and their query-protocol errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import urllib3
from server_support import Server
from sqs_support import error_of


def test_create_topic_is_idempotent(sns: Any, unique: Callable[[str], str]) -> None:
    name = unique("topic")
    arn = sns.create_topic(Name=name)["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{name}"
    assert sns.create_topic(Name=name)["TopicArn"] == arn
    sns.delete_topic(TopicArn=arn)


@pytest.mark.parametrize("name", ["has space", "x" * 257, "dot.ted"])
def test_create_topic_rejects_bad_names(sns: Any, name: str) -> None:
    error = error_of(lambda: sns.create_topic(Name=name))
    assert error["Code"] == "InvalidParameter"
    assert error["Message"] == "Invalid parameter: Topic Name"
    assert error["Type"] == "Sender" and error["Status"] == 400


def test_list_topics_pages_by_100(sns: Any, sns_hw: Server) -> None:
    west = sns_hw.client("sns", region_name="eu-west-1")
    arns = sorted(west.create_topic(Name=f"page-{i:03d}")["TopicArn"] for i in range(105))
    first = west.list_topics()
    assert [t["TopicArn"] for t in first["Topics"]] == arns[:100]
    second = west.list_topics(NextToken=first["NextToken"])
    assert [t["TopicArn"] for t in second["Topics"]] == arns[100:]
    assert "NextToken" not in second
    for arn in arns:
        west.delete_topic(TopicArn=arn)
    assert west.list_topics()["Topics"] == []


def test_get_and_set_topic_attributes(sns: Any, make_topic: Callable[[], str]) -> None:
    arn = make_topic()
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == "000000000000"
    assert attributes["SubscriptionsConfirmed"] == "0"
    assert attributes["DisplayName"] == ""
    assert '"Version":"2008-10-17"' in attributes["Policy"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Hi")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Hi"
    error = error_of(lambda: sns.set_topic_attributes(TopicArn=arn, AttributeName="Colour",
                                                      AttributeValue="x"))
    assert (error["Code"], error["Message"]) == ("InvalidParameter",
                                                 "Invalid parameter: AttributeName")


def test_missing_topic_is_not_found(sns: Any) -> None:
    arn = "arn:aws:sns:us-east-1:000000000000:no-such-topic"
    for call in (
        lambda: sns.get_topic_attributes(TopicArn=arn),
        lambda: sns.publish(TopicArn=arn, Message="x"),
        lambda: sns.list_subscriptions_by_topic(TopicArn=arn),
        lambda: sns.subscribe(TopicArn=arn, Protocol="sqs",
                              Endpoint="arn:aws:sqs:us-east-1:000000000000:q"),
    ):
        error = error_of(call)
        assert error["Code"] == "NotFound" and error["Status"] == 404
        assert error["Message"] == "Topic does not exist"
        assert error["Type"] == "Sender"
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_topic_attributes(TopicArn=arn)
    error = error_of(lambda: sns.get_topic_attributes(TopicArn="not-an-arn"))
    assert (error["Code"], error["Message"]) == ("InvalidParameter",
                                                 "Invalid parameter: TopicArn")
    sns.delete_topic(TopicArn=arn)  # deleting a missing topic is not an error


def test_subscribe_list_and_unsubscribe(sns: Any, make_topic: Callable[[], str],
                                        make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    _, queue_arn = make_queue_arn()
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)[
        "SubscriptionArn"] == arn
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed == [{"SubscriptionArn": arn, "Owner": "000000000000", "Protocol": "sqs",
                       "Endpoint": queue_arn, "TopicArn": topic}]
    assert arn in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["RawMessageDelivery"] == "false"
    assert attributes["PendingConfirmation"] == "false"
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RawMessageDelivery",
                                    AttributeValue="true")
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"][
        "RawMessageDelivery"] == "true"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"][
        "SubscriptionsConfirmed"] == "1"
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    error = error_of(lambda: sns.unsubscribe(SubscriptionArn=arn))
    assert (error["Code"], error["Status"]) == ("NotFound", 404)


def test_subscribe_errors(sns: Any, make_topic: Callable[[], str],
                          make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    _, queue_arn = make_queue_arn()
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="nope"))
    assert error["Message"] == "Invalid parameter: SQS endpoint ARN"
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="pigeon", Endpoint="x"))
    assert error["Message"] == ("Invalid parameter: Amazon SNS does not support this protocol "
                                "string: pigeon")
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                           Attributes={"RawMessageDelivery": "maybe"}))
    assert error["Code"] == "InvalidParameter"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                           Attributes={"RawMessageDelivery": "true"}))
    assert error["Message"] == ("Invalid parameter: Attributes Reason: Subscription already "
                                "exists with different attributes")


def test_delete_topic_removes_its_subscriptions(sns: Any, unique: Callable[[str], str],
                                                make_queue_arn: Callable[[], tuple[str, str]]
                                                ) -> None:
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    _, queue_arn = make_queue_arn()
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    sns.delete_topic(TopicArn=topic)
    assert arn not in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    assert topic not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]


def test_query_protocol_errors_are_xml(sns_hw: Server) -> None:
    http = urllib3.PoolManager()
    response = http.request("POST", sns_hw.url + "/", body="Action=Bogus&Version=2010-03-31",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400
    assert response.headers["Content-Type"] == "text/xml"
    body = response.data.decode()
    assert body.startswith('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
                           "<Error><Type>Sender</Type><Code>InvalidAction</Code>")
    assert "<RequestId>" in body


def test_topic_tags(sns: Any, unique: Callable[[str], str]) -> None:
    name = unique("topic")
    arn = sns.create_topic(Name=name, Tags=[{"Key": "team", "Value": "data"}])["TopicArn"]
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "data"}]
    assert sns.create_topic(Name=name, Tags=[{"Key": "team", "Value": "data"}])[
        "TopicArn"] == arn
    error = error_of(lambda: sns.create_topic(Name=name, Tags=[{"Key": "team", "Value": "x"}]))
    assert error["Message"] == ("Invalid parameter: Tags Reason: Topic already exists with "
                                "different tags")
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "test"}]
    error = error_of(lambda: sns.list_tags_for_resource(ResourceArn=arn + "-missing"))
    assert (error["Code"], error["Status"]) == ("ResourceNotFound", 404)
    with pytest.raises(sns.exceptions.ResourceNotFoundException):
        sns.tag_resource(ResourceArn=arn + "-missing", Tags=[{"Key": "a", "Value": "b"}])
    sns.delete_topic(TopicArn=arn)


def test_fifo_queues_cannot_subscribe_to_standard_topics(sns: Any, sns_sqs: Any,
                                                         make_topic: Callable[[], str],
                                                         unique: Callable[[str], str]) -> None:
    topic = make_topic()
    name = unique("q") + ".fifo"
    url = sns_sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    error = error_of(lambda: sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:000000000000:{name}"))
    assert error["Message"] == ("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO "
                                "SQS Queues can not be subscribed to standard SNS topics")
    sns_sqs.delete_queue(QueueUrl=url)


def test_malformed_query_input_is_a_client_error(sns_hw: Server, make_topic: Callable[[], str]
                                                 ) -> None:
    topic = make_topic()
    http = urllib3.PoolManager()
    endpoint = "arn:aws:sqs:us-east-1:000000000000:q"
    for params in (
        f"Action=Subscribe&TopicArn={topic}&Protocol=sqs&Endpoint={endpoint}"
        "&Attributes.entry.1.key=RawMessageDelivery",
        f"Action=Publish&TopicArn={topic}&Message=x&MessageAttributes.entry.1.Name=a",
        f"Action=Subscribe&TopicArn={topic}&Protocol=sqs&Endpoint={endpoint}"
        "&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=%7B%22%24or%22%3A%5B1%2C2%5D%7D",
    ):
        response = http.request("POST", sns_hw.url + "/", body=params,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status == 400, (params, response.data)
