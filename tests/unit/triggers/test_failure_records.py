"""The OnFailure invocation record's formats (aws-facts §4.4)."""

from __future__ import annotations

import orjson

from headwater.triggers.events import Batch
from headwater.triggers.failures import invocation_record, response_context
from headwater.triggers.stream_source import SourceRecord


def _record(seq: int, created: float) -> SourceRecord:
    body = {"dynamodb": {"ApproximateCreationDateTime": float(int(created))}}
    return SourceRecord(seq, created, orjson.dumps(body))


def test_record_formats() -> None:
    batch = Batch("shardId-1", [_record(5, 1573689199.9), _record(9, 1573689200.2)], [b"", b""])
    record = invocation_record(
        batch=batch, stream_arn="arn:s", function_arn="arn:f", condition="RetryAttemptsExhausted",
        request_id="r", invoke_count=2, now=1573690429.7171,
        response=response_context(200, "$LATEST", "Unhandled"))
    assert list(record) == ["requestContext", "responseContext", "version", "timestamp",
                            "DDBStreamBatchInfo"]
    assert record["timestamp"] == "2019-11-14T00:13:49.717Z"
    assert record["DDBStreamBatchInfo"] == {
        "shardId": "shardId-1",
        "startSequenceNumber": "100000000000000000005",
        "endSequenceNumber": "100000000000000000009",
        "approximateArrivalOfFirstRecord": "2019-11-13T23:53:19Z",
        "approximateArrivalOfLastRecord": "2019-11-13T23:53:20Z",
        "batchSize": 2,
        "streamArn": "arn:s",
    }


def test_record_age_discards_have_no_response_context() -> None:
    batch = Batch("s", [_record(1, 0.0)], [b""])
    record = invocation_record(batch=batch, stream_arn="a", function_arn="f",
                               condition="RecordAgeExceeded", request_id="r", invoke_count=0,
                               now=0.0, response=None)
    assert "responseContext" not in record
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
