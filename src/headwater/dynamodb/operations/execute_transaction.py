"""ExecuteTransaction: up to 100 PartiQL statements, all reads or all writes (EXISTS checks
count as writes), run in one SQLite transaction; any failure cancels every statement with
TransactionCanceledException and one reason per statement, in order."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.capacity import read_units, write_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import TransactionCanceledException, ValidationException
from headwater.dynamodb.indexes import check_index_keys
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.partiql import (
    add_capacity,
    capacity_list,
    check_one_kind,
    error_entry,
    reads,
    statement_of,
    table_of,
    writes,
)
from headwater.dynamodb.partiql import statements as st
from headwater.wire.errors import AwsError

API = "ExecuteTransaction"
ONE_ITEM = "Transaction request cannot include multiple operations on one item"
RETURNING = "RETURNING is not supported in ExecuteTransaction"  # AWS refuses it; wording unverified


def execute_transaction(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ExecuteTransaction with ClientRequestToken idempotency for 10 minutes."""
    tokens = ctx.runtime.request_tokens
    earlier = tokens.replayed(API, ctx.account, ctx.region, request)
    if earlier is not None:
        return earlier
    entries = request["TransactStatements"]
    statements = [statement_of(entry) for entry in entries]
    if any(getattr(s, "returning", None) is not None for s in statements):
        raise ValidationException(RETURNING)
    kind = check_one_kind(statements, API)
    tables = [table_of(ctx, s) for s in statements]
    totals: dict[str, float] = {}
    # The writes and the token commit together, without a savepoint (Storage.transaction):
    # every error ExecuteTransaction answers is raised before its first change. The token,
    # statements and tables are checked before the transaction; inside it `_write` prepares
    # and decides every statement (ValidationException, TransactionCanceledException) and
    # checks every written item's index keys before its first write; the writes and the
    # token's row raise no expected error. A failure after a change (a bug, an I/O error)
    # rolls back the whole group commit, none of its writes acknowledged.
    with ctx.runtime.storage.transaction(savepoint=False):
        if kind == st.READ:
            response = _read(ctx, statements, tables, totals)
        else:
            _write(ctx, entries, statements, tables, totals)
            response = {}
        capacity = capacity_list(totals, request.get("ReturnConsumedCapacity"))
        if capacity is not None:
            response["ConsumedCapacity"] = capacity
        tokens.remember(API, ctx.account, ctx.region, request, response)
    return response


def _read(ctx: RequestContext, statements: list[st.Statement], tables: list[Any],
          totals: dict[str, float]) -> dict[str, Any]:
    conn = ctx.runtime.storage.conn
    responses = []
    for statement, table in zip(statements, tables, strict=True):
        assert isinstance(statement, st.Select)
        item = reads.get(conn, table, statement)
        responses.append({} if item is None else {"Item": item})
        add_capacity(totals, table.name, 2 * read_units(item_size(item or {}), True))
    return {"Responses": responses}


def _write(ctx: RequestContext, entries: list[dict[str, Any]], statements: list[st.Statement],
           tables: list[Any], totals: dict[str, float]) -> None:
    runtime = ctx.runtime
    planned = [writes.prepare(t, s) for s, t in zip(statements, tables, strict=True)]
    seen: set[tuple[int, Any]] = set()
    for write in planned:
        if (write.table.id, write.key) in seen:
            raise ValidationException(ONE_ITEM)
        seen.add((write.table.id, write.key))
    with runtime.storage.transaction() as conn:
        changes = []
        reasons: list[dict[str, Any]] = []
        for entry, write in zip(entries, planned, strict=True):
            return_old = entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            try:
                changes.append(writes.decide(conn, write, return_old))
                reasons.append({"Code": "None"})
            except AwsError as error:
                reasons.append(error_entry(error))
        if len(changes) != len(planned):
            codes = ", ".join(r["Code"] for r in reasons)
            raise TransactionCanceledException(
                "Transaction cancelled, please refer cancellation reasons for specific reasons "
                f"[{codes}]", CancellationReasons=reasons)
        # Every written item's index keys (wrong type, empty, too large) before the first
        # write: items.write checks them again as it writes, so the transaction answers the
        # same ValidationException, the first in statement order, having changed nothing.
        for change in changes:
            table = change.write.table
            if (change.new is not None and table.indexes
                    and not isinstance(change.write.statement, st.Exists)):
                check_index_keys(table.indexes, change.new)
        for change in changes:
            size = writes.apply(runtime, conn, change)
            add_capacity(totals, change.write.table.name, 2 * write_units(size))
