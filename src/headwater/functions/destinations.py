"""Destinations of asynchronous invocations: the invocation record ("Capturing records of Lambda
asynchronous invocations", invocation-async-retain-records.html) and its delivery to an SQS
queue or SNS topic (through the trigger engine's OnFailure path, triggers/failures.py) or to
another function (an Event invocation of it); and the function's dead-letter queue
(DeadLetterConfig, dlq.html), which receives the unchanged event payload with the message
attributes RequestID, ErrorCode and ErrorMessage (truncated to 1 KB).

Key order follows a recorded AWS message: version, timestamp, requestContext, requestPayload,
responseContext, responsePayload. A success's responseContext has no functionError."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from headwater.core.timestamps import iso_millis
from headwater.functions.names import LATEST
from headwater.functions.store import QueuedEvent
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.functions.function_service import FunctionService
    from headwater.functions.invocation import InvokeResult

log = logging.getLogger("headwater.functions")

SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency"  # aws-facts §5.4
MAX_DLQ_ERROR_BYTES = 1024
# Why an event failed when no function answer says so [infer: dlq.html gives only "3-digit
# HTTP error code"]: a throttle is Lambda's 429, anything else a 500.
NO_ANSWER = {
    ZERO_RESERVED_CONCURRENCY: ("429", "Rate Exceeded."),
    EVENT_AGE_EXCEEDED: ("500", "Event age exceeded MaximumEventAgeInSeconds."),
}


def invocation_record(event: QueuedEvent, *, condition: str, invoke_count: int, now: float,
                      result: InvokeResult | None) -> dict[str, Any]:
    arn = event.function if event.function.count(":") > 6 else \
        f"{event.function}:{event.qualifier or LATEST}"
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_millis(now),
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": _json(event.payload or b"{}"),
    }
    if result is not None:  # discards before any attempt (or never run) carry no response
        context: dict[str, Any] = {"statusCode": result.status,
                                   "executedVersion": result.executed_version}
        if result.function_error is not None:
            context["functionError"] = result.function_error
        record["responseContext"] = context
        record["responsePayload"] = _json(result.payload)
    return record


def _json(payload: bytes) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload.decode(errors="replace")


def send(functions: FunctionService, event: QueuedEvent, destination: str,
         record: dict[str, Any]) -> bool:
    """Deliver `record` inside the caller's transaction; False (logged) when it cannot be, as
    AWS counts a DestinationDeliveryFailures and moves on."""
    service = destination.split(":")[2] if destination.count(":") >= 5 else ""
    body = orjson.dumps(record)
    try:
        if service == "lambda":
            resolved = functions.resolve(event.account, event.region, destination)
            functions.events.enqueue(resolved, body)
        else:
            functions.deliver(event.account, event.region, destination, body.decode())
    except AwsError as error:
        log.warning("destination %s of %s: delivery failed: %s", destination, event.function,
                    error.message or error.code)
        return False
    return True


def dead_letter(functions: FunctionService, event: QueuedEvent, target: str, condition: str,
                result: InvokeResult | None) -> bool:
    """Send the event's payload to its function's dead-letter queue or topic, inside the
    caller's transaction; False (logged) when it cannot be, as AWS counts DeadLetterErrors."""
    code, message = NO_ANSWER.get(condition, ("500", "Internal failure."))
    if result is not None:
        code = str(result.status)
        answer = _json(result.payload)
        message = str(answer.get("errorMessage", "")) if isinstance(answer, dict) else \
            str(answer)
    message = message.encode()[:MAX_DLQ_ERROR_BYTES].decode(errors="ignore")
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": event.request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": code},
        "ErrorMessage": {"DataType": "String", "StringValue": message},
    }
    body = (event.payload or b"{}").decode(errors="replace")
    try:
        functions.deliver(event.account, event.region, target, body, attributes)
    except AwsError as error:
        log.warning("dead-letter queue %s of %s: delivery failed: %s", target, event.function,
                    error.message or error.code)
        return False
    return True
