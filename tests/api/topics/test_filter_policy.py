"""Subscription filter policies on message attributes and on the message body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from sqs_support import error_of


def _subscribed(sns: Any, topic: str, queue_arn: str, policy: dict[str, Any],
                scope: str | None = None) -> str:
    attributes = {"RawMessageDelivery": "true", "FilterPolicy": orjson.dumps(policy).decode()}
    if scope:
        attributes["FilterPolicyScope"] = scope
    return str(sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                             Attributes=attributes)["SubscriptionArn"])


def _bodies(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return sorted(m["Body"] for m in messages)


def _s(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def _n(value: str) -> dict[str, str]:
    return {"DataType": "Number", "StringValue": value}


def test_attribute_policies(sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
                            make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    subscription = _subscribed(sns, topic, arn, {
        "store": ["example_corp", {"prefix": "shop-"}],
        "price": [{"numeric": [">=", 10, "<", 100]}],
        "event": [{"anything-but": ["cancelled"]}],
        "customer": [{"exists": False}],
    })
    assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"][
        "FilterPolicyScope"] == "MessageAttributes"
    cases = {
        "exact": {"store": _s("example_corp"), "price": _n("10"), "event": _s("placed")},
        "prefix": {"store": _s("shop-7"), "price": _n("99.5"), "event": _s("placed")},
        "too cheap": {"store": _s("example_corp"), "price": _n("9"), "event": _s("placed")},
        "cancelled": {"store": _s("example_corp"), "price": _n("50"), "event": _s("cancelled")},
        "has customer": {"store": _s("shop-1"), "price": _n("50"), "event": _s("placed"),
                         "customer": _s("c")},
        "no store": {"price": _n("50"), "event": _s("placed")},
    }
    for body, attributes in cases.items():
        sns.publish(TopicArn=topic, Message=body, MessageAttributes=attributes)
    assert _bodies(sns_sqs, url) == ["exact", "prefix"]


def test_string_array_and_or(sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
                             make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    _subscribed(sns, topic, arn, {"$or": [{"sport": ["rugby"]}, {"level": [{"numeric": [">", 5]}]}]})
    array = {"DataType": "String.Array", "StringValue": '["football", "rugby"]'}
    sns.publish(TopicArn=topic, Message="array", MessageAttributes={"sport": array})
    sns.publish(TopicArn=topic, Message="level", MessageAttributes={"level": _n("6")})
    sns.publish(TopicArn=topic, Message="neither", MessageAttributes={"level": _n("5")})
    sns.publish(TopicArn=topic, Message="nothing")
    assert _bodies(sns_sqs, url) == ["array", "level"]


def test_message_body_scope(sns: Any, sns_sqs: Any, make_topic: Callable[[], str],
                            make_queue_arn: Callable[[], tuple[str, str]]) -> None:
    topic = make_topic()
    url, arn = make_queue_arn()
    _subscribed(sns, topic, arn, {"order": {"status": ["paid"], "total": [{"numeric": [">", 0]}]}},
                scope="MessageBody")
    for body in ({"order": {"status": "paid", "total": 5}},
                 {"order": {"status": "open", "total": 5}},
                 {"order": {"status": "paid", "total": 0}},
                 {"status": "paid"}):
        sns.publish(TopicArn=topic, Message=orjson.dumps(body).decode())
    sns.publish(TopicArn=topic, Message="not json")
    assert _bodies(sns_sqs, url) == ['{"order":{"status":"paid","total":5}}']


@pytest.mark.parametrize(("attributes", "message"), [
    ({"FilterPolicy": "{not json"}, "Invalid parameter: FilterPolicy: failed to parse JSON."),
    ({"FilterPolicy": '{"a": [{"regex": "x"}]}'},
     "Invalid parameter: FilterPolicy: Unrecognized match type regex"),
    ({"FilterPolicyScope": "Headers"},
     "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Headers]. Please "
     "use either MessageBody or MessageAttributes"),
])
def test_bad_filter_policies(sns: Any, make_topic: Callable[[], str],
                             make_queue_arn: Callable[[], tuple[str, str]],
                             attributes: dict[str, str], message: str) -> None:
    topic = make_topic()
    _, arn = make_queue_arn()
    error = error_of(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                           Attributes=attributes))
    assert (error["Code"], error["Message"]) == ("InvalidParameter", message)
