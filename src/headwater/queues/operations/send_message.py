"""SendMessage, and the per-message checks SendMessageBatch shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from headwater.queues import messages
from headwater.queues.context import RequestContext
from headwater.queues.errors import InvalidParameterValue, MissingParameter
from headwater.queues.md5 import attributes_md5, body_md5
from headwater.queues.registry import Sent
from headwater.queues.store import Queue

MAX_DELAY = 900
FIFO_ID = re.compile(r"[\x21-\x7e]{1,128}")


@dataclass(frozen=True, slots=True)
class Entry:
    body: str
    attributes: dict[str, Any] | None
    delay: int | None
    group: str | None
    dedup: str | None
    trace: str | None


def send_message(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """SendMessage: MD5s of body and attributes, per-message DelaySeconds; on FIFO queues
    MessageGroupId, deduplication and SequenceNumber."""
    queues = ctx.runtime.queues
    queue = queues.from_url(ctx.region, request["QueueUrl"])
    entry = check_entry(queue, request)
    with ctx.runtime.storage.transaction() as conn:
        sent = queues.enqueue(conn, queue, entry.body, entry.attributes, entry.delay,
                              ctx.account, trace=entry.trace, group=entry.group,
                              dedup=entry.dedup)
    return result(sent, entry)


def check_entry(queue: Queue, request: dict[str, Any]) -> Entry:
    """One SendMessage request or batch entry, checked against the queue's type."""
    delay = request.get("DelaySeconds")
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise InvalidParameterValue(
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must "
            f"be >= 0 and <= {MAX_DELAY}."
        )
    group, dedup = request.get("MessageGroupId"), request.get("MessageDeduplicationId")
    if queue.fifo:
        _check_fifo(queue, delay, group, dedup)
    elif dedup:
        raise InvalidParameterValue(
            "The request include parameter that is not valid for this queue type. Reason: "
            "MessageDeduplicationId can only be used with FIFO queues."
        )
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if value is not None and not FIFO_ID.fullmatch(value):
            raise InvalidParameterValue(
                f"Value {value} for parameter {name} is invalid. Reason: {name} can only "
                "include alphanumeric and punctuation characters. 1 to 128 in length."
            )
    attributes = messages.check_attributes(request.get("MessageAttributes"))
    body = request.get("MessageBody") or ""
    messages.check_body(body, queue.number("MaximumMessageSize"), attributes)
    trace = check_system_attributes(request.get("MessageSystemAttributes"))
    return Entry(body, attributes, delay, group, dedup, trace)


def _check_fifo(queue: Queue, delay: int | None, group: str | None, dedup: str | None) -> None:
    if delay:
        raise InvalidParameterValue(
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: The request include "
            "parameter that is not valid for this queue type."
        )
    if not group:
        raise MissingParameter("The request must contain the parameter MessageGroupId.")
    if not dedup and queue.attributes.get("ContentBasedDeduplication") != "true":
        raise InvalidParameterValue(
            "The queue should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly"
        )


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


def result(sent: Sent, entry: Entry) -> dict[str, Any]:
    out = {"MessageId": sent.message_id, "MD5OfMessageBody": body_md5(entry.body)}
    if entry.attributes:
        out["MD5OfMessageAttributes"] = attributes_md5(entry.attributes)
    if entry.trace is not None:
        out["MD5OfMessageSystemAttributes"] = attributes_md5(
            {"AWSTraceHeader": {"DataType": "String", "StringValue": entry.trace}})
    if sent.sequence is not None:
        out["SequenceNumber"] = sent.sequence
    return out
