"""ListStreams (aws-facts §1.2): the caller's streams, disabled ones included, sorted by ARN."""

from __future__ import annotations

from typing import Any

from headwater.streams.arns import parse_stream_arn
from headwater.streams.context import RequestContext
from headwater.streams.errors import ResourceNotFoundException, limit_too_large

MAX_LIMIT = 100


def list_streams(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ListStreams with a TableName filter, Limit and ExclusiveStartStreamArn pagination."""
    limit = request.get("Limit", MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise limit_too_large(limit, MAX_LIMIT)
    start = request.get("ExclusiveStartStreamArn")
    if start is not None:
        parse_stream_arn(start, "ExclusiveStartStreamArn")
    table_name = request.get("TableName")
    runtime = ctx.runtime
    streams = runtime.streams.streams_of(ctx.account, ctx.region)
    if table_name is not None:
        streams = [s for s in streams if s.table_name == table_name]
        if not streams and runtime.tables.find(ctx.account, ctx.region, table_name) is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {table_name} not found"
            )
    arns = sorted((s.arn, s) for s in streams if start is None or s.arn > start)
    page = arns[:limit]
    response: dict[str, Any] = {
        "Streams": [
            {"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label}
            for _, s in page
        ]
    }
    if len(arns) > limit:
        response["LastEvaluatedStreamArn"] = page[-1][0]
    return response
