"""TransactGetItems.

Items without a projection are answered with their stored JSON as it is (orjson.Fragment),
as GetItem does (operations/get_item.py); capacity comes from the size stored with them."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.dynamodb import item_store, transactions
from headwater.dynamodb.capacity import consumed, read_units
from headwater.dynamodb.context import RequestContext


def transact_get_items(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TransactGetItems: up to 100 Gets of distinct items read as one snapshot."""
    # Every entry is checked before any table is looked up.
    entries = [transactions.check(entry, ("Get",)) for entry in request["TransactItems"]]
    actions = [transactions.plan(ctx, entry) for entry in entries]
    transactions.check_distinct(actions)
    transactions.cancel_invalid(actions)
    responses: list[dict[str, Any]] = []
    units: dict[str, float] = {}
    # Requests run one at a time on the storage thread, so these reads form one snapshot.
    conn = ctx.runtime.storage.conn
    for action in actions:
        stored, size = item_store.get_stored(conn, action.table.id, *action.key)
        # Transactional reads cost two strongly consistent units per 4 KB.
        name = action.spec["TableName"]  # as sent: a name or an ARN
        units[name] = units.get(name, 0.0) + 2 * read_units(size, True)
        if stored is None:
            responses.append({})
            continue
        projection = action.expressions.projection
        responses.append({"Item": orjson.Fragment(stored) if projection is None
                          else projection.apply(orjson.loads(stored))})
    response: dict[str, Any] = {"Responses": responses}
    mode = request.get("ReturnConsumedCapacity")
    capacities = [c for name, total in units.items()
                  if (c := consumed(ctx.charges, name, total, mode))]
    if capacities:
        response["ConsumedCapacity"] = capacities
    return response
