"""ListQueues: by name, optionally filtered by prefix and paged with MaxResults/NextToken."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.errors import InvalidParameterValue
from headwater.queues.names import queue_url

DEFAULT_LIMIT = 1000


def list_queues(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListQueues; NextToken is returned only when MaxResults was given."""
    max_results = check_max_results(request)
    after = _decode_token(request.get("NextToken"))
    limit = max_results or DEFAULT_LIMIT
    names = store.list_queue_names(ctx.runtime.storage.conn, ctx.account, ctx.region,
                                   request.get("QueueNamePrefix") or "", after, limit + 1)
    response: dict[str, Any] = {}
    if names[:limit]:
        response["QueueUrls"] = [queue_url(ctx.url_host, ctx.account, name)
                                 for name in names[:limit]]
    if max_results is not None and len(names) > limit:
        response["NextToken"] = _encode_token(names[limit - 1])
    return response


def check_max_results(request: dict[str, Any]) -> int | None:
    """MaxResults of a paged listing (ListQueues, ListDeadLetterSourceQueues): 1-1000."""
    max_results: int | None = request.get("MaxResults")
    if max_results is not None and not 1 <= max_results <= DEFAULT_LIMIT:
        raise InvalidParameterValue(
            f"Value {max_results} for parameter MaxResults is invalid. Reason: MaxResults must "
            "be an integer between 1 and 1000."
        )
    return max_results


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterValue("Invalid NextToken value.") from None
