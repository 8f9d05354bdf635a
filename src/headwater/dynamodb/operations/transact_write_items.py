"""TransactWriteItems."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import transactions
from headwater.dynamodb.capacity import consumed, write_units
from headwater.dynamodb.context import RequestContext


def transact_write_items(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """TransactWriteItems: up to 100 Put/Update/Delete/ConditionCheck actions on distinct
    items, all or nothing, in one SQLite transaction; ClientRequestToken makes a retry within
    10 minutes return the first answer without writing again, across restarts."""
    tokens = ctx.runtime.request_tokens
    earlier = tokens.replayed("TransactWriteItems", ctx.account, ctx.region, request)
    if earlier is not None:
        return earlier
    transactions.check_size(request)
    actions = [transactions.plan(ctx, entry) for entry in request["TransactItems"]]
    transactions.check_distinct(actions)
    with ctx.runtime.storage.transaction():  # the writes and the token commit together
        sizes, collections = transactions.execute(ctx.runtime, actions, request)
        response = _response(actions, sizes, collections, request)
        tokens.remember("TransactWriteItems", ctx.account, ctx.region, request, response)
    return response


def _response(actions: list[transactions.Action], sizes: list[int],
              collections: dict[str, list[dict[str, Any]]], request: dict[str, Any]
              ) -> dict[str, Any]:
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
    return response
