"""ListTopics: 100 per page, by ARN."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from headwater.topics import store
from headwater.topics.context import RequestContext
from headwater.topics.errors import invalid

PAGE = 100


def list_topics(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListTopics."""
    after = decode_token(request.get("NextToken"))
    arns = store.list_topic_arns(ctx.runtime.storage.conn, ctx.account, ctx.region,
                                 after, PAGE + 1)
    response: dict[str, Any] = {"Topics": [{"TopicArn": arn} for arn in arns[:PAGE]]}
    if len(arns) > PAGE:
        response["NextToken"] = encode_token(arns[PAGE - 1])
    return response


def encode_token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("NextToken") from None
