"""Scan."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from headwater.dynamodb import index_reads, key_space, pagination, query_store
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import compile_request


def scan(ctx: RequestContext, request: dict[str, Any]
         ) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    """Scan the table (or one parallel-scan segment) in primary-key order.

    Segments split the partition keys by a stable hash, so together they return every item
    exactly once, and each segment pages in a stable order.
    """
    segment, total = _check_segments(request)
    count_only = pagination.check_select(request, "Scan")
    expressions = compile_request(request)  # expression errors come before a missing table
    table = ctx.runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    space = key_space.resolve(table, request)
    index_reads.check_requested(space, expressions)
    start = pagination.start_key(space, request)
    if start is not None and total is not None and total > 1:
        if query_store.segment_of(start[0], total) != segment:
            raise ValidationException(
                f"{pagination.BAD_START_KEY}Invalid ExclusiveStartKey. Please use "
                f"ExclusiveStartKey with correct Segment. TotalSegments: {total} "
                f"Segment: {segment}")
    rows = query_store.scan(ctx.runtime.storage.conn, table.id, start, segment, total,
                            space.index_name)
    fetch = index_reads.table_fetch(space, ctx.runtime.storage.conn, request, expressions)
    return pagination.respond(space, rows, request, expressions, count_only, fetch,
                              ctx.charges)


def _check_segments(request: dict[str, Any]) -> tuple[int | None, int | None]:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is not None and total is None:
        raise ValidationException("The TotalSegments parameter is required but was not present "
                                  "in the request when Segment parameter is present")
    if total is not None and segment is None:
        raise ValidationException("The Segment parameter is required but was not present in "
                                  "the request when parameter TotalSegments is present")
    if segment is not None and total is not None and segment >= total:
        raise ValidationException(
            "The Segment parameter is zero-based and must be less than parameter "
            f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")
    return segment, total
