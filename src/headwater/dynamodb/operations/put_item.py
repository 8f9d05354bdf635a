"""PutItem."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.capacity import REPORTED, write_consumed
from headwater.dynamodb.condition_check import check_return_values, enforce
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request
from headwater.dynamodb.values import checked_item


def put_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PutItem: create or replace an item, optionally under a condition."""
    runtime = ctx.runtime
    # Request checks come before the table lookup, as on AWS (a bad request to a missing
    # table is a ValidationException, not ResourceNotFoundException).
    return_values = check_return_values(request, ("NONE", "ALL_OLD"))
    item, size = checked_item(request["Item"])
    items.check_limit(size)
    expressions = compile_request(request, ("ConditionExpression",))
    table = runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    key = items.key_from_item(table, item)
    # Only a condition, ALL_OLD, index upkeep, the stream record and capacity (an overwrite
    # costs the larger of the two items) look at the old item.
    capacity_mode = request.get("ReturnConsumedCapacity")
    needs_old = (expressions.condition is not None or return_values == "ALL_OLD"
                 or bool(table.indexes)
                 or capacity_mode in REPORTED
                 or runtime.streams.has_stream(table.account, table.region, table.name))
    with runtime.storage.transaction() as conn:
        old, old_size = (item_store.get_sized(conn, table.id, *key) if needs_old
                         else (None, 0))
        enforce(expressions.condition, old, request)
        items.write(runtime, conn, table, key, old, item, size=size, old_size=old_size)
        collection = item_collections.metrics(conn, table, key[0], item, request)
    response: dict[str, Any] = {}
    if return_values == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    capacity = write_consumed(ctx.charges, request, table, old, item, size, old_size)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if collection is not None:
        response["ItemCollectionMetrics"] = collection
    return response
