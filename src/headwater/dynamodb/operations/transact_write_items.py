"""TransactWriteItems."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.dynamodb import transactions
from headwater.dynamodb.capacity import consumed, write_units


def transact_write_items(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TransactWriteItems: up to 100 Put/Update/Delete/ConditionCheck actions on distinct
    items, all or nothing, in one SQLite transaction; ClientRequestToken makes a retry within
    10 minutes return the first answer without writing again."""
    tokens = ctx.runtime.request_tokens
    earlier = tokens.replayed("TransactWriteItems", ctx.account, ctx.region, request)
    if earlier is not None:
        return earlier
    transactions.check_size(request)
    # Every entry is checked before any table is looked up.
    entries = [transactions.check(entry) for entry in request["TransactItems"]]
    actions = [transactions.plan(ctx, entry) for entry in entries]
    transactions.check_distinct(actions)
    sizes, collections = transactions.execute(ctx.runtime, actions, request)
    response: dict[str, Any] = {}
    if collections:
        response["ItemCollectionMetrics"] = collections
    units: dict[str, float] = {}
    for action, size in zip(actions, sizes, strict=True):
        # Transactional writes cost two units per 1 KB (prepare and commit).
        name = action.spec["TableName"]  # as sent: a name or an ARN
        units[name] = units.get(name, 0.0) + 2 * write_units(size)
    mode = request.get("ReturnConsumedCapacity")
    capacities = [c for name, total in units.items() if (c := consumed(name, total, mode))]
    if capacities:
        response["ConsumedCapacity"] = capacities
    tokens.remember("TransactWriteItems", ctx.account, ctx.region, request, response)
    return response
