"""Query."""

from __future__ import annotations

from typing import Any

from headwater.core.context import RequestContext
from headwater.dynamodb import key_space, pagination, query_store
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import compile_request
from headwater.dynamodb.key_space import KeySpace
from headwater.dynamodb.keys import check_key_attribute, encode_key_value
from headwater.dynamodb.values import value_type

TYPE_MISMATCH = ("One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type")
OUTSIDE = "The provided starting key is outside query boundaries based on provided conditions"
NOT_IN_RANGE = "The provided starting key does not match the range key predicate"


def query(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Query one partition of the table or an index by sort-key range, read from its SQLite index.

    Every read is strongly consistent here; ConsistentRead only changes the capacity reported.
    """
    if "KeyConditions" not in request and "KeyConditionExpression" not in request:
        raise ValidationException("Either the KeyConditions or KeyConditionExpression parameter "
                                  "must be specified in the request.")
    count_only = pagination.check_select(request, "Query")
    expressions = compile_request(request)  # expression errors come before a missing table
    table = ctx.runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    space = key_space.resolve(table, request)
    condition = expressions.key_condition.for_schema(space.hash_name, space.range_name)
    hk, bounds = _key_range(space, condition)
    _check_filter(space, expressions.filter, request)
    start = pagination.start_key(space, request)
    after = None
    if start is not None:
        if start[0] != hk:
            raise ValidationException(OUTSIDE)
        if not bounds.contains(start[1]):
            raise ValidationException(NOT_IN_RANGE)
        after = start[1:]
    forward = request.get("ScanIndexForward", True)
    rows = query_store.query(ctx.runtime.storage.conn, table.id, hk, bounds, forward, after,
                             space.index_name)
    page = pagination.collect(space, rows, request, expressions, count_only)
    return pagination.response(page, request, count_only, space)


def _key_range(table: KeySpace, condition: Any) -> tuple[bytes, query_store.SortRange]:
    """The encoded hash key and sort-key bounds, after AWS's schema type checks."""
    hash_value = condition.hash_value
    _check_type(table.hash_name, hash_value, table.hash_type, True)
    operands: list[bytes] = []
    if condition.range_op is not None:
        assert table.range_type is not None
        for value in condition.range_values:
            if condition.range_op == "BEGINS_WITH" and value_type(value) == table.range_type:
                operands.append(encode_key_value(value))
                continue
            _check_type(str(condition.range_name), value, table.range_type, False)
            operands.append(encode_key_value(value))
    return encode_key_value(hash_value), query_store.sort_range(condition.range_op, operands)


def _check_type(name: str, value: dict[str, Any], expected: str, is_hash: bool) -> None:
    if value_type(value) != expected:
        raise ValidationException(TYPE_MISMATCH)
    check_key_attribute(name, value, expected, is_hash)


def _check_filter(table: KeySpace, condition: Any, request: dict[str, Any]) -> None:
    if condition is None:
        return
    used = pagination.referenced_names(condition.node)
    for name in _key_names(table):
        if name in used:
            kind = "Filter Expression" if "FilterExpression" in request else "QueryFilter"
            raise ValidationException(f"{kind} can only contain non-primary key attributes: "
                                      f"Primary key attribute: {name}")


def _key_names(space: KeySpace) -> list[str]:
    names = [space.hash_name] if space.range_name is None else [space.hash_name, space.range_name]
    if space.index is not None:
        names.extend(space.table.key_names)
    return names
