"""DeleteItem."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.capacity import write_consumed
from headwater.dynamodb.condition_check import check_return_values, enforce
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request


def delete_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """DeleteItem; deleting a missing item succeeds and writes no stream record."""
    runtime = ctx.runtime
    return_values = check_return_values(request, ("NONE", "ALL_OLD"))
    expressions = compile_request(request, ("ConditionExpression",))
    table = runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    key_attributes, key = items.key_from_request(table, request["Key"])
    # No savepoint (Storage.transaction): the only error DeleteItem answers inside the
    # transaction is a failed condition (enforce), raised after a read and before items.write
    # changes a row (a delete checks no index keys); the collection metrics only read. A failure
    # after a change (a bug, an I/O error) rolls back the whole group commit, none of its
    # writes acknowledged.
    with runtime.storage.transaction(savepoint=False) as conn:
        old, old_size = item_store.get_sized(conn, table.id, *key)
        enforce(expressions.condition, old, request)
        items.write(runtime, conn, table, key, old, None, old_size=old_size)
        collection = item_collections.metrics(conn, table, key[0], key_attributes, request)
    response: dict[str, Any] = {}
    if return_values == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    capacity = write_consumed(ctx.charges, request, table, old, None, old_size=old_size)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if collection is not None:
        response["ItemCollectionMetrics"] = collection
    return response
