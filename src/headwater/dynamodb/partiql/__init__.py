"""PartiQL for DynamoDB: grammar and parser (parse once per statement text), parameter binding,
reads (SELECT) and writes (INSERT, UPDATE, DELETE) over the same item store and write path as
the item operations. WHERE clauses and SET/REMOVE compile to `expressions/ast.py` trees and are
evaluated by the expression evaluators, not by a second engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.dynamodb import access
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.partiql import statements as st
from headwater.dynamodb.partiql.binding import bind
from headwater.dynamodb.partiql.parser import parse
from headwater.wire.errors import AwsError

if TYPE_CHECKING:
    from headwater.dynamodb.context import RequestContext
    from headwater.dynamodb.table import Table

# Batch responses and cancellation reasons name errors without the "Exception" suffix.
ERROR_CODES = {
    "ValidationException": "ValidationError",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "TransactionConflictException": "TransactionConflict",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "RequestLimitExceeded": "RequestLimitExceeded",
}


def statement_of(entry: dict[str, Any]) -> st.Statement:
    """Parse and bind one {Statement, Parameters} entry."""
    return bind(parse(entry["Statement"]), entry.get("Parameters"))


def table_of(ctx: RequestContext, statement: st.Statement) -> Table:
    """The statement's table; another account's is refused (dynamodb/access.py) with IAM's
    PartiQL action (dynamodb:PartiQLSelect, PartiQLInsert, PartiQLUpdate, PartiQLDelete)."""
    access.check(ctx, f"PartiQL{type(statement).__name__}", statement.table)
    return ctx.runtime.tables.get(ctx.account, ctx.region, statement.table)


def error_entry(error: AwsError) -> dict[str, Any]:
    """AWS's {Code, Message[, Item]} form of an error inside a batch or a transaction."""
    entry: dict[str, Any] = {"Code": ERROR_CODES.get(error.code, error.code),
                             "Message": error.message}
    if "Item" in error.members:
        entry["Item"] = error.members["Item"]
    return entry


def check_one_kind(statements: list[st.Statement], api: str) -> str:
    """Reads only or writes only; returns which."""
    kinds = {s.kind for s in statements}
    if len(kinds) > 1:
        raise ValidationException(
            f"{api} API does not support both read and write operations in the same request.")
    return kinds.pop() if kinds else st.READ


def add_capacity(totals: dict[str, float], table: str, units: float) -> None:
    totals[table] = totals.get(table, 0.0) + units


def capacity_list(totals: dict[str, float], mode: str | None) -> list[dict[str, Any]] | None:
    if mode not in ("TOTAL", "INDEXES") or not totals:
        return None
    result = []
    for name, units in totals.items():
        entry: dict[str, Any] = {"TableName": name, "CapacityUnits": units}
        if mode == "INDEXES":
            entry["Table"] = {"CapacityUnits": units}
        result.append(entry)
    return result
