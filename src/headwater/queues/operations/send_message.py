"""SendMessage."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.queues import messages
from headwater.queues.errors import InvalidParameterValue
from headwater.queues.md5 import attributes_md5, body_md5
from headwater.queues.store import Queue

MAX_DELAY = 900


def send_message(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """SendMessage: MD5s of body and attributes, per-message DelaySeconds."""
    queues = ctx.runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    body, attributes, delay = check_entry(queue, request)
    trace = check_system_attributes(request.get("MessageSystemAttributes"))
    with ctx.runtime.storage.transaction() as conn:
        message_id = queues.enqueue(conn, queue, body, attributes, delay, ctx.account, trace)
    return result(message_id, body, attributes, trace)


def check_entry(queue: Queue, entry: dict[str, Any]
                ) -> tuple[str, dict[str, Any] | None, int | None]:
    """(body, attributes, delay) of one SendMessage request or batch entry, checked."""
    delay = entry.get("DelaySeconds")
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise InvalidParameterValue(
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must "
            f"be >= 0 and <= {MAX_DELAY}."
        )
    for field in ("MessageGroupId", "MessageDeduplicationId"):
        if entry.get(field):
            raise InvalidParameterValue(
                f"The request include parameter that is not valid for this queue type. "
                f"Reason: {field} can only be used with FIFO queues."
            )
    attributes = messages.check_attributes(entry.get("MessageAttributes"))
    body = entry.get("MessageBody") or ""
    messages.check_body(body, queue.number("MaximumMessageSize"), attributes)
    return body, attributes, delay


def check_system_attributes(system: dict[str, Any] | None) -> str | None:
    """The AWSTraceHeader value of MessageSystemAttributes (the only one senders may set)."""
    if not system:
        return None
    value = system.get("AWSTraceHeader") or {}
    if value.get("DataType") != "String" or not value.get("StringValue"):
        raise InvalidParameterValue(
            "Message (system) attribute 'AWSTraceHeader' must contain a non-empty value of "
            "message attribute type 'String'."
        )
    return str(value["StringValue"])


def result(message_id: str, body: str, attributes: dict[str, Any] | None,
           trace: str | None = None) -> dict[str, Any]:
    out = {"MessageId": message_id, "MD5OfMessageBody": body_md5(body)}
    if attributes:
        out["MD5OfMessageAttributes"] = attributes_md5(attributes)
    if trace is not None:
        out["MD5OfMessageSystemAttributes"] = attributes_md5(
            {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}})
    return out
