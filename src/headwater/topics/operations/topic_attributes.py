"""GetTopicAttributes and SetTopicAttributes."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import invalid
from headwater.topics.store import Topic

SETTABLE = frozenset({"DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId",
                      "TracingConfig", "SignatureVersion", "ArchivePolicy",
                      "ContentBasedDeduplication", "DataProtectionPolicy"})


def default_policy(topic: Topic) -> str:
    return orjson.dumps({
        "Version": "2008-10-17", "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                       "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic.arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": topic.account}},
        }],
    }).decode()


def get_topic_attributes(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetTopicAttributes."""
    topic = ctx.runtime.topics.get(request["TopicArn"])
    confirmed = len(store.subscriptions(ctx.runtime.storage.conn, topic.id))
    attributes = {
        "Policy": default_policy(topic),
        "Owner": topic.account,
        "SubscriptionsPending": "0",
        "TopicArn": topic.arn,
        "EffectiveDeliveryPolicy": orjson.dumps({"http": {"defaultHealthyRetryPolicy": {
            "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
            "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
            "backoffFunction": "linear"}, "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}}
        ).decode(),
        "SubscriptionsConfirmed": str(confirmed),
        "DisplayName": "",
        "SubscriptionsDeleted": "0",
        **topic.attributes,
    }
    return {"Attributes": attributes}


def check_attributes(attributes: dict[str, str]) -> dict[str, str]:
    for name in attributes:
        if name not in SETTABLE:
            raise invalid("AttributeName")
    if attributes.get("FifoTopic", "false") == "true":
        raise invalid("Headwater does not support FIFO topics")
    return attributes


def set_topic_attributes(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """SetTopicAttributes."""
    topic = ctx.runtime.topics.get(request["TopicArn"])
    name = request["AttributeName"]
    check_attributes({name: ""})
    attributes = {**topic.attributes, name: request.get("AttributeValue") or ""}
    with ctx.runtime.storage.transaction() as conn:
        store.update_topic_attributes(conn, topic.id, attributes)
    return {}
