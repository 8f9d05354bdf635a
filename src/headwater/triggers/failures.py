"""OnFailure invocation records (aws-facts §4.4) and their delivery to an SQS queue or SNS
topic, or as an object in an S3 bucket. The record holds the range of the discarded batch;
its key order and time formats follow the recorded AWS messages. An S3 record also carries
the invocation's event (`payload`), under the key
`aws/lambda/<ESM UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>`
(aws-facts §4.4 "S3 destination")."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from headwater.core.ids import new_uuid
from headwater.core.timestamps import iso_millis
from headwater.s3.names import parse_bucket_arn
from headwater.streams.model import format_sequence
from headwater.triggers.events import Batch

if TYPE_CHECKING:
    from headwater.queues.registry import Queues
    from headwater.topics.registry import Topics

log = logging.getLogger("headwater.triggers")

RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def _seconds(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _arrival(record_blob: bytes, fallback: float) -> float:
    body = orjson.loads(record_blob).get("dynamodb", {})
    return float(body.get("ApproximateCreationDateTime", fallback))


def invocation_record(
    *, batch: Batch, stream_arn: str, function_arn: str, condition: str, request_id: str,
    invoke_count: int, now: float, response: dict[str, Any] | None,
) -> dict[str, Any]:
    first, last = batch.records[0], batch.records[-1]
    record: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
    }
    if response is not None:  # record-age discards carry no responseContext
        record["responseContext"] = response
    record["version"] = "1.0"
    record["timestamp"] = iso_millis(now)
    record["DDBStreamBatchInfo"] = {
        "shardId": batch.shard_id,
        "startSequenceNumber": format_sequence(first.seq),
        "endSequenceNumber": format_sequence(last.seq),
        "approximateArrivalOfFirstRecord": _seconds(_arrival(first.blob, first.created)),
        "approximateArrivalOfLastRecord": _seconds(_arrival(last.blob, last.created)),
        "batchSize": len(batch.records),
        "streamArn": stream_arn,
    }
    return record


def s3_object(record: dict[str, Any], batch: Batch, mapping_uuid: str, now: float,
              destination: str) -> tuple[str, str, bytes]:
    """(bucket, key, body) of the S3 object an OnFailure record to `destination` is."""
    bucket = parse_bucket_arn(destination) or ""
    moment = datetime.fromtimestamp(now, UTC)
    key = (f"aws/lambda/{mapping_uuid}/{batch.shard_id}/{moment:%Y/%m/%d}/"
           f"{moment:%Y-%m-%dT%H.%M.%S}-{new_uuid()}")
    body = orjson.dumps({**record, "payload": orjson.loads(batch.payload())})
    return bucket, key, body


def is_bucket(destination: str) -> bool:
    return destination.split(":")[2:3] == ["s3"]


def response_context(status: int, executed_version: str, function_error: str | None
                     ) -> dict[str, Any]:
    return {"statusCode": status, "executedVersion": executed_version,
            "functionError": function_error}


def deliver(queues: Queues, topics: Topics, account: str, region: str, destination: str,
            message: str, attributes: dict[str, Any] | None = None) -> None:
    """Send `message` (with message `attributes`) to the destination, inside the caller's
    transaction."""
    service = destination.split(":")[2] if destination.count(":") >= 5 else ""
    if service == "sqs":
        queues.send_message(account, region, destination, message, attributes)
    elif service == "sns":
        topics.publish(account, region, destination, message, attributes)
    else:
        log.warning("OnFailure destination %s is not an SQS queue or SNS topic; record dropped",
                    destination)
