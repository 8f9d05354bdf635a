"""TransactWriteItems."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import transactions
from headwater.dynamodb.capacity import Charge, consumed
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
    # Every entry is checked before any table is looked up.
    entries = [transactions.check(entry) for entry in request["TransactItems"]]
    actions = [transactions.plan(ctx, entry) for entry in entries]
    transactions.check_distinct(actions)
    # The writes and the token commit together, without a savepoint (Storage.transaction):
    # every error TransactWriteItems answers is raised before its first change. A replayed
    # token's mismatch, the request's size, shapes, keys, tables and distinct items come
    # before the transaction; inside it `transactions.execute` reads every item and decides
    # every action (TransactionCanceledException: a failed condition, an update that does not
    # apply) and checks every written item's index keys before its first write; the writes,
    # the collection metrics (reads) and the token's row raise no expected error. A failure
    # after a change (a bug, an I/O error) rolls back the whole group commit, none of its
    # writes acknowledged.
    with ctx.runtime.storage.transaction(savepoint=False):
        charges, collections = transactions.execute(ctx.runtime, actions, request)
        response = _response(actions, charges, collections, request, ctx.charges)
        tokens.remember("TransactWriteItems", ctx.account, ctx.region, request, response)
    return response


def _response(actions: list[transactions.Action], charges: list[Charge],
              collections: dict[str, list[dict[str, Any]]], request: dict[str, Any],
              sink: list[Any] | None) -> dict[str, Any]:
    response: dict[str, Any] = {}
    if collections:
        response["ItemCollectionMetrics"] = collections
    totals: dict[str, Charge] = {}
    for action, charge in zip(actions, charges, strict=True):
        # Transactional writes cost two units per 1 KB (prepare and commit), index writes too.
        name = action.spec["TableName"]  # as sent: a name or an ARN
        totals.setdefault(name, Charge()).add(charge, times=2)
    mode = request.get("ReturnConsumedCapacity")
    capacities = [c for name, total in totals.items() if (c := consumed(sink, name, total, mode))]
    if capacities:
        response["ConsumedCapacity"] = capacities
    return response
