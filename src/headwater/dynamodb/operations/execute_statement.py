"""ExecuteStatement: one PartiQL statement (SELECT, INSERT, UPDATE or DELETE)."""

from __future__ import annotations

from typing import Any

from headwater.dynamodb.capacity import consumed, read_units, write_units
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.partiql import reads, statement_of, table_of, writes
from headwater.dynamodb.partiql import statements as st

EXISTS_OUTSIDE = "EXISTS can only be used in ExecuteTransaction write requests."


def execute_statement(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """ExecuteStatement; every read is strongly consistent here, ConsistentRead only changes
    capacity."""
    runtime = ctx.runtime
    statement = statement_of(request)
    if isinstance(statement, st.Exists):
        raise ValidationException(EXISTS_OUTSIDE)
    table = table_of(ctx, statement)
    response: dict[str, Any] = {}
    if isinstance(statement, st.Select):
        if statement.index is not None and request.get("ConsistentRead") and _is_global(
                table.description, statement.index):
            raise ValidationException(
                "Strongly consistent read is not supported on Global Secondary Indexes")
        fingerprint = reads.fingerprint(request["Statement"], request.get("Parameters"))
        page = reads.select(runtime.storage.conn, table, statement, limit=request.get("Limit"),
                            token=request.get("NextToken"), fingerprint=fingerprint)
        response["Items"] = page.items
        if page.next_token is not None:
            response["NextToken"] = page.next_token
        units = read_units(page.read_bytes, bool(request.get("ConsistentRead")))
    else:
        write = writes.prepare(table, statement)
        return_old = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        # No savepoint (Storage.transaction): one item's write, and every error it answers
        # comes before its change: the statement, table and key checks (writes.prepare)
        # before the transaction, then a read and writes.decide's DuplicateItemException,
        # ConditionalCheckFailedException or ValidationException (an update that does not
        # apply, a result over 400 KB), then items.write checks the new item's index keys
        # before any row changes. A failure after a change (a bug, an I/O error) rolls back
        # the whole group commit, none of its writes acknowledged.
        with runtime.storage.transaction(savepoint=False) as conn:
            change = writes.decide(conn, write, return_old)
            size = writes.apply(runtime, conn, change)
        response["Items"] = writes.returned(change)
        units = write_units(size)
    capacity = consumed(ctx.charges, table.name, units, request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response


def _is_global(description: dict[str, Any], index: str) -> bool:
    return any(i["IndexName"] == index for i in description.get("GlobalSecondaryIndexes") or [])
