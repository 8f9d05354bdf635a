"""PutItem."""

from __future__ import annotations

from typing import Any

import orjson

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.capacity import REPORTED, write_consumed
from headwater.dynamodb.condition_check import check_return_values, enforce
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.expression_params import compile_request
from headwater.dynamodb.item_size import MAX_ITEM_SIZE
from headwater.dynamodb.values import checked_item


def put_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """PutItem: create or replace an item, optionally under a condition."""
    runtime = ctx.runtime
    # Request checks come before the table lookup, as on AWS (a bad request to a missing
    # table is a ValidationException, not ResourceNotFoundException).
    return_values = check_return_values(request, ("NONE", "ALL_OLD"))
    item, size = checked_item(request["Item"])
    if size > MAX_ITEM_SIZE:
        items.check_limit(size)
    expressions = compile_request(request, ("ConditionExpression",))
    table = runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    key = items.key_from_item(table, item)
    # A condition, ALL_OLD and index upkeep look inside the old item; the stream record
    # (its image, spliced in as stored) and capacity (an overwrite costs the larger of the
    # two items, whether the caller asks for it or CloudWatch's ConsumedWriteCapacityUnits
    # records it: ctx.charges) only need its stored JSON and size, so the row is decoded only
    # for the first.
    capacity_mode = request.get("ReturnConsumedCapacity")
    needs_item = (expressions.condition is not None or return_values == "ALL_OLD"
                  or bool(table.indexes))
    needs_row = (needs_item or capacity_mode in REPORTED or ctx.charges is not None
                 or runtime.streams.has_stream(table.account, table.region, table.name))
    old: dict[str, Any] | None = None
    old_raw: bytes | None = None
    old_size = 0
    new_raw: bytes | None = None
    # No savepoint: every error PutItem answers (a failed condition, an index key of the
    # wrong type) is raised before its first change (the guessed INSERT is tried only
    # without a condition or indexes), so only a bug or an I/O error can fail it after one,
    # and that rolls back the whole group commit (Storage.transaction).
    with runtime.storage.transaction(savepoint=False) as conn:
        if needs_row and not needs_item and table.inserts_likely:
            # The table's last such PutItem created its item (Table.inserts_likely): guess
            # this one does too, and store it only if the key is free, which also tells that
            # there was no old item.
            new_raw = item_store.insert(conn, table.id, key[0], key[1], item, size)
        if needs_row and new_raw is None:
            old_raw, old_size = item_store.get_stored(conn, table.id, *key)
            if needs_item and old_raw is not None:
                old = orjson.loads(old_raw)
        if needs_row and not needs_item:
            table.inserts_likely = old_raw is None
        if expressions.condition is not None:
            enforce(expressions.condition, old, request)
        items.write(runtime, conn, table, key, old, item, size=size, old_size=old_size,
                    old_raw=old_raw, new_raw=new_raw)
        collection = (None if "ReturnItemCollectionMetrics" not in request
                      else item_collections.metrics(conn, table, key[0], item, request))
    response: dict[str, Any] = {}
    if return_values == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    capacity = write_consumed(ctx.charges, request, table, old, item, size, old_size)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if collection is not None:
        response["ItemCollectionMetrics"] = collection
    return response
