"""BatchExecuteStatement: up to 25 PartiQL statements, all reads or all writes, each with its
own result or `Error` (the request itself succeeds)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.capacity import read_units, write_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
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

API = "BatchExecuteStatement"


def batch_execute_statement(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """BatchExecuteStatement; reads must name a whole primary key, as AWS requires."""
    entries = request["Statements"]
    parsed: list[st.Statement | AwsError] = []
    for entry in entries:
        try:
            parsed.append(statement_of(entry))
        except AwsError as error:
            parsed.append(error)
    check_one_kind([s for s in parsed if not isinstance(s, AwsError)], API)
    totals: dict[str, float] = {}
    responses = []
    for entry, statement in zip(entries, parsed, strict=True):
        if isinstance(statement, AwsError):
            responses.append({"Error": error_entry(statement)})
            continue
        try:
            responses.append(_run(ctx, entry, statement, totals))
        except AwsError as error:
            response: dict[str, Any] = {"Error": error_entry(error)}
            if ctx.runtime.tables.find(ctx.account, ctx.region, statement.table) is not None:
                response["TableName"] = statement.table
            responses.append(response)
    result: dict[str, Any] = {"Responses": responses}
    capacity = capacity_list(totals, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        result["ConsumedCapacity"] = capacity
    return result


def _run(ctx: RequestContext, entry: dict[str, Any], statement: st.Statement,
         totals: dict[str, float]) -> dict[str, Any]:
    runtime = ctx.runtime
    if isinstance(statement, st.Exists):
        raise ValidationException("EXISTS can only be used in ExecuteTransaction write requests.")
    table = table_of(ctx, statement)
    response: dict[str, Any] = {"TableName": table.name}
    if isinstance(statement, st.Select):
        item = reads.get(runtime.storage.conn, table, statement, API)
        if item is not None:
            response["Item"] = item
        units = read_units(item_size(item or {}), bool(entry.get("ConsistentRead")))
        add_capacity(totals, table.name, units)
        return response
    write = writes.prepare(table, statement)
    return_old = entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    # No savepoint: one item's write per statement, with ExecuteStatement's proof (every
    # error it answers is raised before its change; execute_statement.py). Each statement is
    # a transaction of its own, so a failed one (answered in its Responses entry) leaves the
    # statements before it.
    with runtime.storage.transaction(savepoint=False) as conn:
        change = writes.decide(conn, write, return_old)
        size = writes.apply(runtime, conn, change)
    add_capacity(totals, table.name, write_units(size))
    return response
