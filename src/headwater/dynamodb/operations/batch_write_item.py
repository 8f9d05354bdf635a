"""BatchWriteItem."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb import item_collections, item_store, items
from headwater.dynamodb.capacity import REPORTED, Charge, consumed, item_write
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.indexes import check_index_keys
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import checked_item
from headwater.wire.validate import render

MAX_REQUESTS = 25
DUPLICATES = "Provided list of item keys contains duplicates"
# AWS answers a WriteRequest holding neither or both of PutRequest/DeleteRequest with the
# attribute-value wording (dynalite validations/batchWriteItem.js, recorded against AWS).
NOT_ONE = ("Supplied AttributeValue has more than one datatypes set, must contain exactly one "
           "of the supported datatypes")

# A table's list of writes outside 1..25, in AWS's words for a map value (recorded from
# DynamoDB in a user's log, 2023; dynalite validations childValueLengths).
COUNT_CONSTRAINT = ("failed to satisfy constraint: Map value must satisfy constraint: [Member "
                    f"must have length less than or equal to {MAX_REQUESTS}, Member must have "
                    "length greater than or equal to 1]")

# (TableName as sent, its table, key, new item or None for a delete, new item's size)
Write = tuple[str, Table, items.Key, dict[str, Any] | None, int]


def batch_write_item(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """BatchWriteItem: up to 25 puts and deletes, applied in one SQLite transaction, each with
    its stream record. Nothing is ever throttled here, so UnprocessedItems is always empty."""
    runtime = ctx.runtime
    requests = request["RequestItems"]
    if sum(len(writes) for writes in requests.values()) > MAX_REQUESTS:
        raise ValidationException("Too many items requested for the BatchWriteItem call")
    # Every write is checked before any table is looked up.
    checked = {name: [_check(write) for write in writes] for name, writes in requests.items()}
    planned: list[Write] = []
    for name, writes in checked.items():
        table = runtime.tables.get(ctx.account, ctx.region, name)
        planned.extend((name, *_plan(table, write)) for write in writes)
    seen = set()
    for _, table, key, _, _ in planned:
        if (table.id, key) in seen:
            raise ValidationException(DUPLICATES)
        seen.add((table.id, key))
    # A put's index keys of the wrong type, empty or too large: checked for every put before
    # the first write (items.write checks them again, per item, as it writes), so the batch
    # answers the same error, the first in request order, having changed nothing.
    for _, table, _, new, _ in planned:
        if new is not None and table.indexes:
            check_index_keys(table.indexes, new)
    mode = request.get("ReturnConsumedCapacity")
    charges: dict[str, Charge] = {}
    collections: dict[str, list[dict[str, Any]]] = {}
    # No savepoint (Storage.transaction): every error BatchWriteItem answers is raised before
    # its first change: the request's shape, item sizes, keys, tables and duplicates above,
    # then the index keys of every put; inside the transaction the writes only read the old
    # item, write, and read the collection metrics. A failure after a change (a bug, an I/O
    # error) rolls back the whole group commit, none of its writes acknowledged.
    with runtime.storage.transaction(savepoint=False) as conn:
        # Capacity and item collection metrics are keyed by the RequestItems key as sent,
        # name or ARN (ConsumedCapacity.TableName's model documentation).
        for name, table, key, new, size in planned:
            old = item_store.get(conn, table.id, *key)
            items.write(runtime, conn, table, key, old, new, size=size if new else None)
            if mode in REPORTED or ctx.charges is not None:
                charges.setdefault(name, Charge()).add(
                    item_write(table, old, new, size if new is not None else None))
            source = new if new is not None else (old or {})
            if source:
                metrics = item_collections.metrics(conn, table, key[0], source, request)
                if metrics is not None:
                    collections.setdefault(name, []).append(metrics)
    response: dict[str, Any] = {"UnprocessedItems": {}}
    if collections:
        response["ItemCollectionMetrics"] = collections
    capacities = [c for name, charge in charges.items()
                  if (c := consumed(ctx.charges, name, charge, mode))]
    if capacities:
        response["ConsumedCapacity"] = capacities
    return response


def check_write_counts(request: dict[str, Any]) -> None:
    """Precheck: one table's writes outside 1..25 are reported on the whole RequestItems map,
    not on the list as the model's own check would."""
    requests = request.get("RequestItems")
    if not isinstance(requests, dict):
        return
    if any(isinstance(writes, list) and not 1 <= len(writes) <= MAX_REQUESTS
           for writes in requests.values()):
        raise ValidationException(f"1 validation error detected: Value '{render(requests)}' at "
                                  f"'requestItems' {COUNT_CONSTRAINT}")


def _check(write: dict[str, Any]) -> tuple[dict[str, Any], int] | dict[str, Any]:
    """A put's checked item and size, or a delete's Key: what needs no table."""
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if put is not None and delete is None:
        item, size = checked_item(put["Item"])
        return item, items.check_limit(size)
    if delete is not None and put is None:
        return dict(delete["Key"])
    raise ValidationException(NOT_ONE)


def _plan(table: Table, checked: tuple[dict[str, Any], int] | dict[str, Any]
          ) -> tuple[Table, items.Key, dict[str, Any] | None, int]:
    if isinstance(checked, tuple):
        item, size = checked
        return table, items.key_from_item(table, item), item, size
    _, key = items.key_from_request(table, checked)
    return table, key, None, 0
