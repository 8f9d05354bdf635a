"""AWS/DynamoDB request metrics (developer guide "DynamoDB metrics and dimensions"), recorded
around each DynamoDB operation at registration so the dynamodb package stays unaware of
metrics:

- ConsumedReadCapacityUnits / ConsumedWriteCapacityUnits by TableName (the table and its local
  indexes) and by TableName + GlobalSecondaryIndexName, from the operation's own capacity
  computation (the ConsumedCapacity it answers, asked for with INDEXES and trimmed back to what
  the caller asked for);
- SuccessfulRequestLatency (Milliseconds) by TableName + Operation, for successful requests;
- ReturnedItemCount by TableName + Operation for Query, Scan and ExecuteStatement;
- ConditionalCheckFailedRequests and TransactionConflict by TableName; ThrottledRequests by
  TableName + Operation; SystemErrors by TableName + Operation; UserErrors (HTTP 400 other than
  those) for the account and region, without dimensions.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from headwater.cloudwatch.context import CloudWatchServices
from headwater.cloudwatch.store import MetricStore
from headwater.core.context import RequestContext
from headwater.wire.errors import AwsError

log = logging.getLogger("headwater.cloudwatch")
DYNAMODB = "AWS/DynamoDB"
Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
RETURNS_ITEMS = frozenset({"Query", "Scan", "ExecuteStatement"})
READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
CAPACITY_MODES = ("TOTAL", "INDEXES")


def recording(operations: Mapping[str, Operation]) -> dict[str, Operation]:
    return {name: _recording(name, operation) for name, operation in operations.items()}


def _recording(name: str, operation: Operation) -> Operation:
    def recorded(ctx: RequestContext[CloudWatchServices], request: dict[str, Any]) -> Any:
        asked = request.get("ReturnConsumedCapacity")
        if asked is None or asked == "NONE":
            request["ReturnConsumedCapacity"] = "INDEXES"
        started = time.perf_counter()
        try:
            result = operation(ctx, request)
        except Exception as error:
            _guarded(_failed, ctx, name, request, error)
            raise
        if inspect.isawaitable(result):
            return _finish(ctx, name, request, asked, started, result)
        _guarded(_succeeded, ctx, name, request, asked, started, result)
        return result

    return recorded


async def _finish(ctx: RequestContext[CloudWatchServices], name: str, request: dict[str, Any],
                  asked: Any, started: float, pending: Any) -> Any:
    try:
        result = await pending
    except Exception as error:
        _guarded(_failed, ctx, name, request, error)
        raise
    _guarded(_succeeded, ctx, name, request, asked, started, result)
    return result


def _guarded(record: Callable[..., None], *args: Any) -> None:
    """Record; a failure to record is logged, never the request's failure."""
    try:
        record(*args)
    except Exception:
        log.exception("recording DynamoDB metrics failed")


def _succeeded(ctx: RequestContext[CloudWatchServices], name: str, request: dict[str, Any],
               asked: Any, started: float, result: Any) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    store = ctx.runtime.cloudwatch
    account, region = ctx.account, ctx.region
    capacity = result.get("ConsumedCapacity") if isinstance(result, dict) else None
    tables: list[str] = []
    if capacity is not None:
        for entry in capacity if isinstance(capacity, list) else [capacity]:
            tables.append(entry["TableName"])
            _consumed(store, account, region, name, entry)
        _trim(result, capacity, asked)
    if not tables:
        table = _table_name(request)
        tables = [table] if table else []
    for table in tables:
        dims = {"TableName": table, "Operation": name}
        store.put(account, region, DYNAMODB, "SuccessfulRequestLatency", dims, elapsed,
                  "Milliseconds")
        if name in RETURNS_ITEMS and isinstance(result, dict):
            items = result.get("Count", len(result.get("Items") or []))
            store.put(account, region, DYNAMODB, "ReturnedItemCount", dims, items)


def _consumed(store: MetricStore, account: str, region: str, name: str,
              entry: dict[str, Any]) -> None:
    if "ReadCapacityUnits" in entry:
        metric = "ConsumedReadCapacityUnits"
    elif "WriteCapacityUnits" in entry or name not in READS:
        metric = "ConsumedWriteCapacityUnits"
    else:
        metric = "ConsumedReadCapacityUnits"
    table = entry["TableName"]
    own = entry.get("Table", {}).get("CapacityUnits", entry.get("CapacityUnits", 0.0))
    own += sum(u["CapacityUnits"] for u in (entry.get("LocalSecondaryIndexes") or {}).values())
    store.put(account, region, DYNAMODB, metric, {"TableName": table}, own)
    for index, units in (entry.get("GlobalSecondaryIndexes") or {}).items():
        store.put(account, region, DYNAMODB, metric,
                  {"TableName": table, "GlobalSecondaryIndexName": index},
                  units["CapacityUnits"])


def _trim(result: dict[str, Any], capacity: Any, asked: Any) -> None:
    """Give the caller the ConsumedCapacity it asked for, not the INDEXES one recorded."""
    if asked == "INDEXES":
        return
    if asked not in CAPACITY_MODES:
        del result["ConsumedCapacity"]
        return
    for entry in capacity if isinstance(capacity, list) else [capacity]:
        for member in ("Table", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            entry.pop(member, None)


def _failed(ctx: RequestContext[CloudWatchServices], name: str, request: dict[str, Any],
            error: Exception) -> None:
    store = ctx.runtime.cloudwatch
    table = _table_name(request)
    code = error.code if isinstance(error, AwsError) else "InternalServerError"
    status = error.status if isinstance(error, AwsError) else 500
    if code == "ConditionalCheckFailedException" and table:
        store.put(ctx.account, ctx.region, DYNAMODB, "ConditionalCheckFailedRequests",
                  {"TableName": table}, 1)
    elif code == "TransactionConflictException" and table:
        store.put(ctx.account, ctx.region, DYNAMODB, "TransactionConflict",
                  {"TableName": table}, 1)
    elif code in ("ProvisionedThroughputExceededException", "ThrottlingException") and table:
        store.put(ctx.account, ctx.region, DYNAMODB, "ThrottledRequests",
                  {"TableName": table, "Operation": name}, 1)
    elif status >= 500:
        if table:
            store.put(ctx.account, ctx.region, DYNAMODB, "SystemErrors",
                      {"TableName": table, "Operation": name}, 1)
    else:
        store.put(ctx.account, ctx.region, DYNAMODB, "UserErrors", {}, 1)


def _table_name(request: dict[str, Any]) -> str | None:
    name = request.get("TableName")
    if not isinstance(name, str):
        return None
    if name.startswith("arn:"):
        return name.partition(":table/")[2] or None
    return name
