"""GetItem."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import items
from headwater.dynamodb.capacity import consumed, read_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request


def get_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetItem; every read is strongly consistent here, ConsistentRead only changes capacity."""
    expressions = compile_request(request)  # request checks come before the table lookup
    table = ctx.runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    _, key = items.key_from_request(table, request["Key"])
    item, size = items.read(ctx.runtime, table, key)
    response: dict[str, Any] = {}
    if item is not None:
        projection = expressions.projection
        response["Item"] = item if projection is None else projection.apply(item)
    mode = request.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES") or ctx.charges is not None:
        units = read_units(size, bool(request.get("ConsistentRead")))
        capacity = consumed(ctx.charges, request["TableName"], units, mode)
        if capacity is not None:
            response["ConsumedCapacity"] = capacity
    return response
