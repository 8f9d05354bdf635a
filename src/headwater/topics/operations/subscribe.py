"""Subscribe and Unsubscribe. The sqs and lambda protocols are delivered; subscriptions are
confirmed at once (SQS and Lambda subscriptions need no confirmation on AWS either)."""

from __future__ import annotations

import re
from typing import Any

from headwater.core.ids import new_uuid
from headwater.queues.names import parse_arn
from headwater.topics import filter_policy, store
from headwater.topics.context import RequestContext
from headwater.topics.errors import NotFound, invalid
from headwater.topics.names import check_subscription_arn

SUPPORTED = ("sqs", "lambda")
FUNCTION_ARN = re.compile(
    r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?")
KNOWN = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda",
         "firehose")
ATTRIBUTES = frozenset({"RawMessageDelivery", "DeliveryPolicy", "RedrivePolicy",
                        "SubscriptionRoleArn", "FilterPolicy", "FilterPolicyScope"})
SCOPES = ("MessageAttributes", "MessageBody")


def check_subscription_attributes(attributes: dict[str, str]) -> dict[str, str]:
    for name, value in attributes.items():
        if not isinstance(value, str):
            raise invalid(f"Attributes Reason: {name}: Invalid value")
        if name == "FilterPolicy" and value:
            filter_policy.compile_policy(value)
        if name == "FilterPolicyScope" and value not in SCOPES:
            raise invalid("Attributes Reason: FilterPolicyScope: Invalid value "
                          f"[{value}]. Please use either MessageBody or MessageAttributes")
        if name not in ATTRIBUTES:
            raise invalid("Attributes Reason: Unknown attribute")
        if name == "RawMessageDelivery" and value.lower() not in ("true", "false"):
            raise invalid("Attributes Reason: RawMessageDelivery: Invalid value "
                          f"[{value}]. Must be true or false.")
    return {name: value.lower() if name == "RawMessageDelivery" else value
            for name, value in attributes.items()}


def subscribe(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Subscribe an SQS queue (by ARN) to a topic; the same endpoint again returns the same
    subscription."""
    topic = ctx.runtime.topics.get(request["TopicArn"])
    protocol = request["Protocol"]
    if protocol not in KNOWN:
        raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    if protocol not in SUPPORTED:
        raise invalid(f"Headwater supports only the sqs and lambda protocols, not {protocol}")
    endpoint = request.get("Endpoint") or ""
    attributes = check_subscription_attributes(dict(request.get("Attributes") or {}))
    if protocol == "lambda":
        if not FUNCTION_ARN.fullmatch(endpoint):
            raise invalid("Lambda endpoint ARN")
        if attributes.get("RawMessageDelivery") == "true":
            raise invalid("Attributes Reason: Delivery protocol [lambda] does not support raw "
                          "message delivery.")
    elif parse_arn(endpoint) is None:
        raise invalid("SQS endpoint ARN")
    elif endpoint.endswith(".fifo"):
        raise invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
                      "subscribed to standard SNS topics")
    with ctx.runtime.storage.transaction() as conn:
        for existing in store.subscriptions(conn, topic.id):
            if existing.protocol == protocol and existing.endpoint == endpoint:
                if any(existing.attributes.get(k, "false" if k == "RawMessageDelivery" else "")
                       != v for k, v in attributes.items()):
                    raise invalid("Attributes Reason: Subscription already exists with "
                                  "different attributes")
                return {"SubscriptionArn": existing.arn}
        arn = f"{topic.arn}:{new_uuid()}"
        store.insert_subscription(conn, topic.id, arn, protocol, endpoint, attributes)
    return {"SubscriptionArn": arn}


def unsubscribe(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Unsubscribe."""
    arn = request["SubscriptionArn"]
    check_subscription_arn(arn)
    with ctx.runtime.storage.transaction() as conn:
        if store.get_subscription(conn, arn) is None:
            raise NotFound("Subscription does not exist")
        store.delete_subscription(conn, arn)
    return {}
