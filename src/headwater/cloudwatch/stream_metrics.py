"""Per-stream GetRecords metrics (issue 5, aws-facts §4.8): AWS/DynamoDB ReturnedRecordsCount
and ReturnedBytes by Operation, StreamLabel and TableName, as CloudWatch datapoints and
Prometheus counters; and SuccessfulRequestLatency by TableName and Operation (GetRecords is
one of the Operation dimension's values). Applied by wrapping the Streams GetRecords
operation at registration, so the streams package stays unaware of metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson
from prometheus_client import Counter

from headwater.cloudwatch.context import StreamMetricsServices
from headwater.core.context import RequestContext
from headwater.streams import iterators

DYNAMODB = "AWS/DynamoDB"
Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
_COUNTERS: dict[int, tuple[Counter, Counter]] = {}


def _counters(store: Any) -> tuple[Counter, Counter]:
    found = _COUNTERS.get(id(store.registry))
    if found is None:
        labels = ["table", "stream_label"]
        found = (
            Counter("headwater_stream_returned_records", "Records returned by GetRecords",
                    labels, registry=store.registry),
            Counter("headwater_stream_returned_bytes", "Bytes of records returned by GetRecords",
                    labels, registry=store.registry),
        )
        _COUNTERS[id(store.registry)] = found
    return found


def counting_get_records(operation: Operation) -> Operation:
    def get_records(ctx: RequestContext[StreamMetricsServices], request: dict[str, Any]) -> Any:
        started = time.perf_counter()
        result = operation(ctx, request)
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        log = ctx.runtime.streams
        stream = log.by_arn.get(iterators.decode(request["ShardIterator"], log.secret).stream_arn)
        if stream is not None:
            returned = result.get("Records", [])
            size = len(orjson.dumps(returned)) - 1 - max(len(returned), 1)
            store = ctx.runtime.cloudwatch
            dims = {"Operation": "GetRecords", "StreamLabel": stream.label,
                    "TableName": stream.table_name}
            store.put(ctx.account, ctx.region, DYNAMODB, "ReturnedRecordsCount", dims,
                      len(returned))
            store.put(ctx.account, ctx.region, DYNAMODB, "ReturnedBytes", dims, size, "Bytes")
            store.put(ctx.account, ctx.region, DYNAMODB, "SuccessfulRequestLatency",
                      {"Operation": "GetRecords", "TableName": stream.table_name}, elapsed,
                      "Milliseconds")
            records, size_counter = _counters(store)
            records.labels(stream.table_name, stream.label).inc(len(returned))
            size_counter.labels(stream.table_name, stream.label).inc(size)
        return result

    return get_records
