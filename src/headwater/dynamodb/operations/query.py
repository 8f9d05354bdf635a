"""Query."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from headwater.dynamodb import composite_keys, index_reads, key_space, pagination, query_store
from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import check_conditional_operator, compile_request
from headwater.dynamodb.key_space import KeySpace
from headwater.dynamodb.keys import check_key_attribute, encode_key_value
from headwater.dynamodb.values import value_type

TYPE_MISMATCH = ("One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type")
OUTSIDE = "The provided starting key is outside query boundaries based on provided conditions"
NOT_IN_RANGE = "The provided starting key does not match the range key predicate"


def query(ctx: RequestContext, request: dict[str, Any]
         ) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    """Query one partition of the table or an index by sort-key range, read from its SQLite index.

    Every read is strongly consistent here; ConsistentRead only changes the capacity reported.
    """
    if "KeyConditions" not in request and "KeyConditionExpression" not in request:
        check_conditional_operator(request)  # AWS reports a lone ConditionalOperator first
        raise ValidationException("Either the KeyConditions or KeyConditionExpression parameter "
                                  "must be specified in the request.")
    count_only = pagination.check_select(request, "Query")
    expressions = compile_request(request)  # expression errors come before a missing table
    table = ctx.runtime.tables.get(ctx.account, ctx.region, request["TableName"])
    space = key_space.resolve(table, request)
    index_reads.check_requested(space, expressions)
    condition = expressions.key_condition.for_key_schema(space.hash_names, space.range_names)
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
    fetch = index_reads.table_fetch(space, ctx.runtime.storage.conn, request, expressions)
    return pagination.respond(space, rows, request, expressions, count_only, fetch,
                              ctx.charges)


def _key_range(space: KeySpace, condition: Any) -> tuple[bytes, query_store.SortRange]:
    """The encoded partition key and sort-key bounds, after AWS's schema type checks."""
    hash_values = []
    for (name, expected), term in zip(space.hash_keys, condition.hash_terms, strict=True):
        _check_type(name, term.values[0], expected, True)
        hash_values.append(term.values[0])
    types = dict(space.range_keys)
    terms = condition.range_terms
    for term in terms:
        for value in term.values:
            if not (term.op == "BEGINS_WITH" and value_type(value) == types[term.name]):
                _check_type(term.name, value, types[term.name], False)
    hk = composite_keys.encode(hash_values)
    if len(space.range_keys) > 1:
        last = terms[-1] if terms else None
        return hk, composite_keys.sort_range(
            [t.values[0] for t in terms[:-1]], None if last is None else last.op,
            [] if last is None else list(last.values))
    if not terms:
        return hk, query_store.sort_range(None, [])
    operands = [encode_key_value(value) for value in terms[0].values]
    return hk, query_store.sort_range(terms[0].op, operands)


def _check_type(name: str, value: dict[str, Any], expected: str, is_hash: bool) -> None:
    if value_type(value) != expected:
        raise ValidationException(TYPE_MISMATCH)
    check_key_attribute(name, value, expected, is_hash)


def _check_filter(table: KeySpace, condition: Any, request: dict[str, Any]) -> None:
    if condition is None:
        return
    used = pagination.referenced_names(condition.node)
    for name in table.key_names:
        if name in used:
            kind = "Filter Expression" if "FilterExpression" in request else "QueryFilter"
            raise ValidationException(f"{kind} can only contain non-primary key attributes: "
                                      f"Primary key attribute: {name}")
