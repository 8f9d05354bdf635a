"""GetItem.

Without a projection the answer is the item exactly as stored: its JSON is spliced into the
response as it is (orjson.Fragment), never decoded and re-encoded. The stored bytes are
`orjson.dumps` of the item the write checked and normalised (item_store.put), which is what
decoding them and encoding the result again would give back, and the capacity comes from the
size stored with them. A projection needs the values, so it decodes the item."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.dynamodb import item_store, request_keys
from headwater.dynamodb.capacity import consumed, read_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request


def get_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """GetItem; every read is strongly consistent here, ConsistentRead only changes capacity."""
    expressions = compile_request(request)  # request checks come before the table lookup
    table = ctx.runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    hk, rk = request_keys.key_from_request(table, request["Key"])[1]
    stored, size = item_store.get_stored(ctx.runtime.storage.reader(), table.id, hk, rk)
    response: dict[str, Any] = {}
    if stored is not None:
        projection = expressions.projection
        response["Item"] = (orjson.Fragment(stored) if projection is None
                            else projection.apply(orjson.loads(stored)))
    mode = request.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES") or ctx.charges is not None:
        units = read_units(size, bool(request.get("ConsistentRead")))
        capacity = consumed(ctx.charges, request["TableName"], units, mode)
        if capacity is not None:
            response["ConsumedCapacity"] = capacity
    return response
