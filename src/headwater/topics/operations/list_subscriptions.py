"""ListSubscriptionsByTopic and ListSubscriptions: 100 per page."""

from __future__ import annotations

from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import invalid
from headwater.topics.names import parse_topic_arn
from headwater.topics.operations.list_topics import decode_token, encode_token
from headwater.topics.store import Subscription

PAGE = 100


def list_subscriptions_by_topic(ctx: RequestContext, request: dict[str, Any]
                                ) -> dict[str, Any]:
    """ListSubscriptionsByTopic."""
    topic = ctx.runtime.topics.get(request["TopicArn"])
    found = store.subscriptions(ctx.runtime.storage.conn, topic.id,
                                _after(request.get("NextToken")), PAGE + 1)
    return _page(found)


def list_subscriptions(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListSubscriptions."""
    found = store.account_subscriptions(ctx.runtime.storage.conn, ctx.account, ctx.region,
                                        _after(request.get("NextToken")), PAGE + 1)
    return _page(found)


def _after(token: str | None) -> int:
    text = decode_token(token)
    if text and not text.isdigit():
        raise invalid("NextToken")
    return int(text or 0)


def _page(found: list[Subscription]) -> dict[str, Any]:
    response: dict[str, Any] = {"Subscriptions": [
        {"SubscriptionArn": s.arn, "Owner": parse_topic_arn(s.topic_arn)[1],
         "Protocol": s.protocol, "Endpoint": s.endpoint, "TopicArn": s.topic_arn}
        for s in found[:PAGE]
    ]}
    if len(found) > PAGE:
        response["NextToken"] = encode_token(str(found[PAGE - 1].id))
    return response
