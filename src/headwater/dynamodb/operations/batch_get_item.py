"""BatchGetItem.

Items without a projection are answered with their stored JSON as it is (orjson.Fragment),
as GetItem does (operations/get_item.py)."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.dynamodb import item_store, request_keys
from headwater.dynamodb.capacity import consumed, read_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import RequestExpressions, compile_request

MAX_KEYS = 100
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def batch_get_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """BatchGetItem: up to 100 keys over several tables; keys past 16 MB of results come back
    in UnprocessedKeys. Reads are always consistent here (ConsistentRead changes capacity)."""
    requests = request["RequestItems"]
    if sum(len(spec["Keys"]) for spec in requests.values()) > MAX_KEYS:
        raise ValidationException("Too many items requested for the BatchGetItem call")
    # Every table's request is checked before any table is looked up.
    compiled = {name: compile_request(spec) for name, spec in requests.items()}
    plans = [_plan(ctx, name, spec, compiled[name]) for name, spec in requests.items()]
    responses: dict[str, list[Any]] = {}
    unprocessed: dict[str, Any] = {}
    capacities = []
    total = 0
    for name, table, spec, keys, projection in plans:
        found = responses.setdefault(name, [])
        units = 0.0
        consistent = bool(spec.get("ConsistentRead"))
        for index, (key_attributes, key) in enumerate(keys):
            if total > MAX_RESPONSE_BYTES:
                unprocessed[name] = {**spec, "Keys": [k for k, _ in keys[index:]]}
                break
            stored, size = item_store.get_stored(ctx.runtime.storage.reader(), table.id,
                                                 key[0], key[1])
            units += read_units(size, consistent)
            if stored is None:
                continue
            total += size
            found.append(orjson.Fragment(stored) if projection is None
                         else projection.apply(orjson.loads(stored)))
        capacity = consumed(ctx.charges, name, units, request.get("ReturnConsumedCapacity"))
        if capacity is not None:
            capacities.append(capacity)
    response: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    if capacities:
        response["ConsumedCapacity"] = capacities
    return response


def _plan(ctx: RequestContext, name: str, spec: dict[str, Any],
          expressions: RequestExpressions) -> tuple[Any, ...]:
    table = ctx.runtime.tables.get(ctx.account, ctx.region, name)
    seen: set[tuple[bytes, bytes]] = set()
    keys = []
    for key in spec["Keys"]:
        normalised, encoded = request_keys.key_from_request(table, key)
        if encoded in seen:
            raise ValidationException(DUPLICATES)
        seen.add(encoded)
        keys.append((normalised, encoded))
    return name, table, spec, keys, expressions.projection

