"""AWS/DynamoDB request metrics (developer guide "DynamoDB metrics and dimensions"), recorded
around each DynamoDB operation at registration so the dynamodb package stays unaware of
metrics:

- ConsumedReadCapacityUnits / ConsumedWriteCapacityUnits by TableName (the table and its local
  indexes) and by TableName + GlobalSecondaryIndexName, from the operation's own capacity
  computation: each operation reports the charges it computes to the request context's sink
  (`RequestContext.charges`, capacity.consumed), so recording builds no ConsumedCapacity;
- SuccessfulRequestLatency (Milliseconds) by TableName + Operation, for successful requests;
- ReturnedItemCount by TableName + Operation for Query, Scan and ExecuteStatement;
- ConditionalCheckFailedRequests by TableName; TransactionConflict by TableName, one per
  conflicting item (a TransactionConflictException, or each TransactionConflict reason of a
  cancelled transaction); ThrottledRequests by TableName + Operation; SystemErrors by
  TableName + Operation;
- UserErrors, for the account and region without dimensions: every HTTP 400 answer of
  DynamoDB or DynamoDB Streams, refused before the operation ran (signature, serialization,
  validation, authorisation) or by it, "except ProvisionedThroughputExceededException and
  ConditionalCheckFailedException" (developer guide); counted by the JSON service's `refused`
  hook (`count_user_error`), not by the operation wrapper. Headwater also leaves out
  ThrottlingException, which it counts as ThrottledRequests.

SuccessfulRequestLatency is reported for the data-plane operations AWS lists as the Operation
dimension's values (LATENCY_OPERATIONS), not for control-plane ones such as CreateTable.

Successful requests are tallied on the request path per (operation, table, minute) into a
`Tally` by plain list appends (the latency, the capacity charges the operation reports, the
item count): about a microsecond a request, no dict built. The store aggregates and applies the
tallies at its next drain (any read, and every flush, each few seconds of clock time): latencies
to the microsecond and charges by how often each occurred. Failures are rare and recorded at
once.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from headwater.cloudwatch.context import CloudWatchServices
from headwater.cloudwatch.store import MetricStore, kept
from headwater.core.context import RequestContext
from headwater.wire.errors import AwsError

log = logging.getLogger("headwater.cloudwatch")
DYNAMODB = "AWS/DynamoDB"
Operation = Callable[[RequestContext[Any], dict[str, Any]], Any]
RETURNS_ITEMS = frozenset({"Query", "Scan", "ExecuteStatement"})
READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
# The Operation dimension's values (developer guide "DynamoDB metrics and dimensions"; the
# CDK's aws_dynamodb.Operation enum); GetRecords is the Streams operation.
LATENCY_OPERATIONS = frozenset({
    "GetItem", "BatchGetItem", "Scan", "Query", "GetRecords", "PutItem", "DeleteItem",
    "UpdateItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
    "ExecuteTransaction", "BatchExecuteStatement", "ExecuteStatement"})
NOT_USER_ERRORS = frozenset({"ProvisionedThroughputExceededException",
                             "ConditionalCheckFailedException", "ThrottlingException"})
# Requests a minute's tally holds before it is applied on the spot (the flusher applies every
# tally each few seconds; this bounds the memory of a server without one).
MAX_TALLIED = 100_000


def recording(operations: Mapping[str, Operation]) -> dict[str, Operation]:
    return {name: _recording(name, operation) for name, operation in operations.items()}


def _recording(name: str, operation: Operation) -> Operation:
    returns_items = name in RETURNS_ITEMS

    def recorded(ctx: RequestContext[CloudWatchServices], request: dict[str, Any]) -> Any:
        # Counted into the minute's tally of (account, region, operation, table): the operation
        # appends its capacity charges straight to the tally's list (RequestContext.charges),
        # so a request builds no list or dict of its own; a failure takes its charges back out.
        store = ctx.runtime.cloudwatch
        now = store.clock.now()
        table_name = request.get("TableName")
        key = (ctx.account, ctx.region, name,
               table_name if type(table_name) is str else None, now - now % 60)
        tally = store.aggregates.get(key)
        if not isinstance(tally, Tally):
            tally = store.aggregates[key] = Tally()
        charges = tally.charges
        mark = len(charges)
        outer = ctx.charges
        ctx.charges = charges
        started = perf_counter()
        try:
            result = operation(ctx, request)
        except Exception as error:
            ctx.charges = outer
            del charges[mark:]
            _guarded(_failed, ctx, name, request, error)
            raise
        ctx.charges = outer
        if type(result) is not dict and inspect.isawaitable(result):
            # Other requests run while it is awaited: its charges so far go with it.
            early = charges[mark:]
            del charges[mark:]
            return _finish(ctx, name, request, early, outer, started, result)
        latencies = tally.latencies
        latencies.append(int((perf_counter() - started) * 1e6))
        if returns_items and type(result) is dict:
            tally.items.append(result.get("Count", len(result.get("Items") or [])))
        if len(latencies) >= MAX_TALLIED:
            store.drain()
        return result

    return recorded


async def _finish(ctx: RequestContext[CloudWatchServices], name: str, request: dict[str, Any],
                  charges: list[Any], outer: list[Any] | None, started: float,
                  pending: Any) -> Any:
    """An operation answered by an awaitable (a Query or Scan finishing off the event loop):
    its charges are collected in a list of its own, since other requests run meanwhile."""
    ctx.charges = charges
    try:
        result = await pending
    except Exception as error:
        _guarded(_failed, ctx, name, request, error)
        raise
    finally:
        ctx.charges = outer
    _guarded(_succeeded, ctx, name, request, charges, started, result)
    return result


def _guarded(record: Callable[..., None], *args: Any) -> None:
    """Record; a failure to record is logged, never the request's failure."""
    try:
        record(*args)
    except Exception:
        log.exception("recording DynamoDB metrics failed")


class Tally:
    """One minute of one operation on one table, collected on the request path as plain
    appends (latencies in whole microseconds, capacity charges as the operations report them,
    item counts returned) and aggregated only when the store drains it (a read or a flush)."""

    __slots__ = ("latencies", "charges", "items")

    def __init__(self) -> None:
        self.latencies: list[int] = []
        self.charges: list[Any] = []
        self.items: list[int] = []

    def __call__(self, store: MetricStore, account: str, region: str, name: str,
                 table_name: Any, moment: float) -> None:
        tables: set[str] = set()
        for capacity, times in _counted_charges(self.charges).items():
            entry = capacity if isinstance(capacity, Charged) else Charged(
                capacity[0], capacity[2], capacity[1], ())
            tables.add(entry.table)
            _consumed(store, account, region, name, entry, moment, times)
        if not tables and self.latencies:
            table = _table_name({"TableName": table_name})
            if table:
                tables.add(table)
        # By the value each is kept as (milliseconds to 4 significant digits), counted once.
        latencies: dict[float, int] = {}
        if name in LATENCY_OPERATIONS:
            for elapsed, times in Counter(self.latencies).items():
                # Under 10 ms a whole-microsecond latency has at most 4 significant digits.
                value = elapsed / 1000 if elapsed < 10_000 else kept(elapsed / 1000)
                latencies[value] = latencies.get(value, 0) + times
        items = {float(returned): times for returned, times in Counter(self.items).items()}
        for table in tables:
            dims = {"TableName": table, "Operation": name}
            if latencies:
                store.put_counted(account, region, DYNAMODB, "SuccessfulRequestLatency", dims,
                                  latencies, "Milliseconds", timestamp=moment)
            if items:
                store.put_counted(account, region, DYNAMODB, "ReturnedItemCount", dims, items,
                                  "Count", timestamp=moment)



def _counted_charges(charges: list[Any]) -> dict[Any, int]:
    """The reported charges as keys (see `charge_key`) by how often each occurred: counted as they
    are when all are hashable tuples (plain units, the usual case), else one by one."""
    try:
        counted = Counter(charges)
    except TypeError:  # a capacity.Charge (indexes) among them
        counted = Counter(charge_key(*charge) for charge in charges)
        return counted
    keys: Counter[Any] = Counter()
    for charge, times in counted.items():
        keys[charge_key(*charge)] += times
    return keys


@dataclass(frozen=True, slots=True)
class Charged:
    """One table's capacity charge with indexes, as a hashable value: the table's own units
    (with its local indexes') and each global index's."""
    table: str
    read: bool | None
    own: float
    global_indexes: tuple[tuple[str, float], ...]


def charge_key(table: str, units: Any, read: bool | None) -> Any:
    """A reported charge (units, or a dynamodb capacity.Charge: `table` units and `indexes` by
    name as (is_global, units)) as a cheap hashable key: a tuple for a plain charge (the common
    case, made a Charged at the drain), else a Charged."""
    if isinstance(units, (int, float)):
        return (table, units, read)
    if not units.indexes:
        return (table, units.table, read)
    own = units.table + sum(used for is_global, used in units.indexes.values() if not is_global)
    gsis = tuple(sorted((index, used) for index, (is_global, used) in units.indexes.items()
                        if is_global))
    return Charged(table, read, own, gsis)


def _succeeded(ctx: RequestContext[CloudWatchServices], name: str, request: dict[str, Any],
               charges: list[Any], started: float, result: Any) -> None:
    """Count a request that finished off the request path into its minute's tally."""
    elapsed = int((time.perf_counter() - started) * 1e6)
    store = ctx.runtime.cloudwatch
    now = store.clock.now()
    table_name = request.get("TableName")
    key = (ctx.account, ctx.region, name, table_name if isinstance(table_name, str) else None,
           now - now % 60)
    tally = store.aggregates.get(key)
    if not isinstance(tally, Tally):
        tally = store.aggregates[key] = Tally()
    tally.latencies.append(elapsed)
    tally.charges.extend(charges)
    if type(result) is dict and name in RETURNS_ITEMS:
        tally.items.append(result.get("Count", len(result.get("Items") or [])))


def _consumed(store: MetricStore, account: str, region: str, name: str, entry: Charged,
              moment: float, times: int) -> None:
    if entry.read is True or (entry.read is None and name in READS):
        metric = "ConsumedReadCapacityUnits"
    else:
        metric = "ConsumedWriteCapacityUnits"
    store.put(account, region, DYNAMODB, metric, {"TableName": entry.table}, entry.own,
              timestamp=moment, count=times)
    for index, units in entry.global_indexes:
        store.put(account, region, DYNAMODB, metric,
                  {"TableName": entry.table, "GlobalSecondaryIndexName": index}, units,
                  timestamp=moment, count=times)


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
    elif code == "TransactionCanceledException":
        _conflicts(ctx, request, error)
    elif code in ("ProvisionedThroughputExceededException", "ThrottlingException") and table:
        store.put(ctx.account, ctx.region, DYNAMODB, "ThrottledRequests",
                  {"TableName": table, "Operation": name}, 1)
    elif status >= 500:
        if table:
            store.put(ctx.account, ctx.region, DYNAMODB, "SystemErrors",
                      {"TableName": table, "Operation": name}, 1)


def _conflicts(ctx: RequestContext[CloudWatchServices], request: dict[str, Any],
               error: Exception) -> None:
    """TransactionConflict for each item of a cancelled transaction whose reason is
    TransactionConflict, by the table of that item."""
    reasons = error.members.get("CancellationReasons") if isinstance(error, AwsError) else None
    for reason, item in zip(reasons or [], request.get("TransactItems") or [], strict=False):
        if reason.get("Code") != "TransactionConflict" or not isinstance(item, dict):
            continue
        action = next(iter(item.values()), None)
        table = _table_name(action) if isinstance(action, dict) else None
        if table:
            ctx.runtime.cloudwatch.put(ctx.account, ctx.region, DYNAMODB,
                                       "TransactionConflict", {"TableName": table}, 1)


def count_user_error(ctx: RequestContext[Any], error: AwsError) -> None:
    """UserErrors for an HTTP 400 answer of DynamoDB or DynamoDB Streams (see above)."""
    if error.status != 400 or error.code in NOT_USER_ERRORS:
        return
    try:
        ctx.runtime.cloudwatch.put(ctx.account, ctx.region, DYNAMODB, "UserErrors", {}, 1)
    except Exception:
        log.exception("recording DynamoDB metrics failed")


def _table_name(request: dict[str, Any]) -> str | None:
    name = request.get("TableName")
    if not isinstance(name, str):
        return None
    if name.startswith("arn:"):
        return name.partition(":table/")[2] or None
    return name
