"""ReceiveMessage: up to 10 visible messages, long polling woken by sends and clock advances."""

from __future__ import annotations

from typing import Any

from headwater.queues.context import RequestContext
from headwater.queues.errors import InvalidParameterValue
from headwater.queues.messages import wanted_system

MAX_MESSAGES = 10
MAX_WAIT = 20
MAX_VISIBILITY = 43200


async def receive_message(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ReceiveMessage. Deviations: every visible message is a candidate (no sampling), so a
    short poll never misses one; FIFO ReceiveRequestAttemptId is accepted and not used."""
    count = _bounded(request, "MaxNumberOfMessages", 1, MAX_MESSAGES,
                     "Must be between 1 and 10, if provided.")
    wait = _bounded(request, "WaitTimeSeconds", 0, MAX_WAIT,
                    "Must be >= 0 and <= 20, if provided.")
    visibility = _bounded(request, "VisibilityTimeout", 0, MAX_VISIBILITY,
                          "Must be >= 0 and <= 43200, if provided.")
    runtime = ctx.runtime
    queues = runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    if count is None:
        count = 1
    if wait is None:
        wait = queue.number("ReceiveMessageWaitTimeSeconds")
    if visibility is None:
        visibility = queue.number("VisibilityTimeout")
    system = wanted_system([*(request.get("AttributeNames") or []),
                            *(request.get("MessageSystemAttributeNames") or [])])
    attribute_names = request.get("MessageAttributeNames") or []
    deadline = runtime.clock.now() + wait
    while True:
        found = queues.receive(queue, count, visibility, system, attribute_names)
        if found or runtime.clock.now() >= deadline or queues.closing:
            break
        await queues.wait(queue.id, deadline)
        queue = queues.from_url(ctx.region, request["QueueUrl"])
    if not found:
        queues.record(queue.account, queue.region, queue.name, "NumberOfEmptyReceives", 1)
    return {"Messages": found} if found else {}


def _bounded(request: dict[str, Any], name: str, lo: int, hi: int, reason: str) -> int | None:
    value = request.get(name)
    if value is not None and not lo <= value <= hi:
        raise InvalidParameterValue(
            f"Value {value} for parameter {name} is invalid. Reason: {reason}"
        )
    return value
