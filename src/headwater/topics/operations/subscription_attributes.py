"""GetSubscriptionAttributes and SetSubscriptionAttributes."""

from __future__ import annotations

from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import NotFound
from headwater.topics.names import check_subscription_arn, parse_topic_arn
from headwater.topics.operations.subscribe import check_subscription_attributes
from headwater.topics.store import Subscription


def _load(ctx: RequestContext, arn: str) -> Subscription:
    check_subscription_arn(arn)
    subscription = store.get_subscription(ctx.runtime.storage.conn, arn)
    if subscription is None:
        raise NotFound("Subscription does not exist")
    return subscription


def get_subscription_attributes(ctx: RequestContext, request: dict[str, Any]
                                ) -> dict[str, Any]:
    """GetSubscriptionAttributes."""
    subscription = _load(ctx, request["SubscriptionArn"])
    owner = parse_topic_arn(subscription.topic_arn)[1]
    scope = {"FilterPolicyScope": "MessageAttributes"} \
        if subscription.attributes.get("FilterPolicy") else {}
    return {"Attributes": {
        **scope,
        "Owner": owner,
        "RawMessageDelivery": "false",
        "TopicArn": subscription.topic_arn,
        "Endpoint": subscription.endpoint,
        "Protocol": subscription.protocol,
        "PendingConfirmation": "false",
        "ConfirmationWasAuthenticated": "true",
        "SubscriptionArn": subscription.arn,
        "SubscriptionPrincipal": f"arn:aws:iam::{owner}:root",
        **subscription.attributes,
    }}


def set_subscription_attributes(ctx: RequestContext, request: dict[str, Any]
                                ) -> dict[str, Any]:
    """SetSubscriptionAttributes."""
    subscription = _load(ctx, request["SubscriptionArn"])
    change = check_subscription_attributes(
        {request["AttributeName"]: request.get("AttributeValue") or ""})
    with ctx.runtime.storage.transaction() as conn:
        store.update_subscription_attributes(conn, subscription.arn,
                                             {**subscription.attributes, **change})
    return {}
