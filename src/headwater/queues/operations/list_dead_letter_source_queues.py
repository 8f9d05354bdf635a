"""ListDeadLetterSourceQueues: the queues whose RedrivePolicy targets this one."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.queues import store
from headwater.queues.context import RequestContext
from headwater.queues.names import queue_arn, queue_url
from headwater.queues.operations.list_queues import (
    DEFAULT_LIMIT,
    _decode_token,
    _encode_token,
    check_max_results,
)


def list_dead_letter_source_queues(ctx: RequestContext, request: dict[str, Any]
                                   ) -> dict[str, Any]:
    """ListDeadLetterSourceQueues, by name, paged as ListQueues is."""
    queue = ctx.runtime.queues.from_url(ctx.region, request["QueueUrl"])
    target = queue_arn(queue.region, queue.account, queue.name)
    after = _decode_token(request.get("NextToken"))
    max_results = check_max_results(request)
    limit = max_results or DEFAULT_LIMIT
    names = [name for name, policy in store.redrive_policies(
        ctx.runtime.storage.conn, queue.account, queue.region, after)
        if _targets(policy, target)]
    response: dict[str, Any] = {
        "queueUrls": [queue_url(ctx.url_host, queue.account, name) for name in names[:limit]]}
    if max_results is not None and len(names) > limit:
        response["NextToken"] = _encode_token(names[limit - 1])
    return response


def _targets(policy: str, target: str) -> bool:
    try:
        return bool(orjson.loads(policy).get("deadLetterTargetArn") == target)
    except (orjson.JSONDecodeError, AttributeError):
        return False
