"""What Query and Scan share: Select and projection rules, ExclusiveStartKey checks, and the
page loop (Limit, the 1 MB page, filter after the limit, Count/ScannedCount, LastEvaluatedKey,
read capacity).

AWS "Query" / "Scan" developer guide: Limit and the 1 MB limit bound the items *read*; the
filter is applied afterwards, so a page may hold fewer items than Limit, even none, while
LastEvaluatedKey says where to resume. Capacity is the total size read, in 4 KB units.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Awaitable, Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import orjson

from headwater.dynamodb import items
from headwater.dynamodb.capacity import consumed, index_read
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expression_params import RequestExpressions
from headwater.dynamodb.expressions import ast
from headwater.dynamodb.indexes import project
from headwater.dynamodb.key_space import KeySpace, position
from headwater.dynamodb.keys import decode_key_value
from headwater.dynamodb.query_store import Row
from headwater.dynamodb.values import check_value, value_type

PAGE_BYTES = 1024 * 1024
# Rows evaluated between two turns of the event loop in a large page (~1-3 ms of Python).
SLICE = 128
BAD_START_KEY = "The provided starting key is invalid: "


@dataclass(slots=True)
class Page:
    # Items decoded (to filter or project them) or as stored (orjson.Fragment).
    items: list[Any] = field(default_factory=list)
    count: int = 0
    scanned: int = 0
    size: int = 0
    last_key: dict[str, Any] | None = None


def check_select(request: dict[str, Any], operation: str) -> bool:
    """AWS's Select rules; True when only the count is wanted."""
    select = request.get("Select")
    has_projection = "ProjectionExpression" in request
    has_attributes = "AttributesToGet" in request
    # Recorded against AWS: Query wraps these in the validation envelope, Scan does not (the
    # ExtendDB suite, tests/test_wording_parity_validation.py, for COUNT with a projection).
    envelope = "1 validation error detected: " if operation == "Query" else ""
    if select is not None and select != "SPECIFIC_ATTRIBUTES":
        wanted = "only the Count" if select == "COUNT" else select
        if has_projection:
            raise ValidationException(
                f"{envelope}Cannot specify the ProjectionExpression when choosing to get {wanted}")
        if has_attributes:
            raise ValidationException(
                f"{envelope}Cannot specify the AttributesToGet when choosing to get {wanted}")
    if select == "SPECIFIC_ATTRIBUTES" and not (has_projection or has_attributes):
        message = ("Must specify the AttributesToGet or ProjectionExpression when choosing to "
                   "get SPECIFIC_ATTRIBUTES")
        raise ValidationException(envelope + message)
    if select == "ALL_PROJECTED_ATTRIBUTES" and "IndexName" not in request:
        raise ValidationException(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    return select == "COUNT"


def start_key(space: KeySpace, request: dict[str, Any]) -> tuple[bytes, ...] | None:
    """The encoded ExclusiveStartKey position, or AWS's error when it is not a key of the table
    (and, for an index, of the index)."""
    key = request.get("ExclusiveStartKey")
    if key is None:
        return None
    try:
        if space.index is None:
            _, encoded = items.key_from_request(space.table, key)
            return encoded
        return _index_position(space, key)
    except ValidationException as error:
        raise ValidationException(BAD_START_KEY + error.message) from None


def _index_position(space: KeySpace, key: dict[str, Any]) -> tuple[bytes, ...]:
    names = space.position_names
    if set(key) != {name for name, _ in names}:
        raise ValidationException(items.KEY_MISMATCH)
    checked = {name: check_value(key[name]) for name, _ in names}
    if any(value_type(checked[name]) != expected for name, expected in names):
        raise ValidationException(items.KEY_MISMATCH)
    return position(space, checked)


def referenced_names(node: Any) -> set[str]:
    """Top-level attribute names a bound expression tree reads."""
    found: set[str] = set()
    _walk(node, found)
    return found


def _walk(node: Any, found: set[str]) -> None:
    if isinstance(node, ast.Path):
        found.add(str(node.elements[0]))
    elif isinstance(node, tuple | list):
        for child in node:
            _walk(child, found)
    elif dataclasses.is_dataclass(node) and not isinstance(node, ast.Literal):
        for spec in dataclasses.fields(node):
            _walk(getattr(node, spec.name), found)


def respond(space: KeySpace, rows: Generator[Row, None, None], request: dict[str, Any],
            expressions: RequestExpressions, count_only: bool,
            fetch: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
            charges: list[Any] | None = None) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    """Query's and Scan's answer: at once for a small page; for a large one (up to 1 MB of
    rows to decode, filter and project, tens of milliseconds of Python), an awaitable that
    evaluates the rows in slices and lets the event loop serve other clients between them
    (issue 12: no request may hold the loop for more than a few milliseconds). The rows are
    read from SQLite first, in one go, so the page is one snapshot whatever runs in between."""
    batch, more = read(rows, request)
    if _as_stored(expressions, count_only, fetch):
        return response(_stored_page(space, batch, more), request, count_only, space, charges)
    if len(batch) <= SLICE or fetch is not None:
        page = Page()
        _evaluate(page, space, batch, request, expressions, count_only, fetch)
        return response(_finished(page, space, batch, more), request, count_only, space,
                        charges)
    return _respond_in_slices(space, batch, more, request, expressions, count_only, charges)


def _as_stored(expressions: RequestExpressions, count_only: bool,
               fetch: Callable[[dict[str, Any]], dict[str, Any]] | None) -> bool:
    """Whether a page shows its rows exactly as stored: no filter or projection to evaluate,
    no table item to fetch for them, and items wanted (not only the count)."""
    return (expressions.filter is None and expressions.projection is None and fetch is None
            and not count_only)


def _stored_page(space: KeySpace, batch: list[Row], more: bool) -> Page:
    """A page of rows as stored: each row's JSON is spliced into the answer as it is
    (orjson.Fragment), the item or index entry its write encoded, never decoded here. Cheap
    enough for a whole 1 MB page at once, so it needs no slices."""
    page = Page([orjson.Fragment(row[2]) for row in batch], len(batch), len(batch),
                sum(row[3] for row in batch))
    return _finished(page, space, batch, more)


async def _respond_in_slices(space: KeySpace, batch: list[Row], more: bool,
                             request: dict[str, Any], expressions: RequestExpressions,
                             count_only: bool, charges: list[Any] | None) -> dict[str, Any]:
    page = Page()
    for start in range(0, len(batch), SLICE):
        if start:
            await asyncio.sleep(0)
        _evaluate(page, space, batch[start:start + SLICE], request, expressions, count_only,
                  None)
    return response(_finished(page, space, batch, more), request, count_only, space, charges)


def read(rows: Generator[Row, None, None], request: dict[str, Any]) -> tuple[list[Row], bool]:
    """The rows one page reads: up to Limit, or until 1 MB has been read (the row that crosses
    it included, as DynamoDB does); and whether the table may hold more after them."""
    limit = request.get("Limit")
    batch: list[Row] = []
    size = 0
    with closing(rows):
        for row in rows:
            batch.append(row)
            size += row[3]
            if (limit is not None and len(batch) >= limit) or size >= PAGE_BYTES:
                return batch, True
    return batch, False


def _evaluate(page: Page, space: KeySpace, batch: list[Row], request: dict[str, Any],
              expressions: RequestExpressions, count_only: bool,
              fetch: Callable[[dict[str, Any]], dict[str, Any]] | None) -> None:
    condition = expressions.filter
    projection = expressions.projection
    for row in batch:
        page.scanned += 1
        page.size += row[3]
        if condition is not None or not count_only:
            item: dict[str, Any] | None = orjson.loads(row[2])
            assert item is not None
            if fetch is not None:
                item = fetch(item)
            if condition is not None and not condition.evaluate(item):
                item = None
        else:
            item = {}
        if item is not None:
            page.count += 1
            if not count_only:
                page.items.append(_shown(space, request, projection, item, fetch))


def _finished(page: Page, space: KeySpace, batch: list[Row], more: bool) -> Page:
    if more and batch:
        page.last_key = _key_of_row(space, batch[-1])
    return page


def _shown(space: KeySpace, request: dict[str, Any], projection: Any, item: dict[str, Any],
           fetch: Callable[[dict[str, Any]], dict[str, Any]] | None) -> dict[str, Any]:
    """What a page shows of an item: the projection asked for; else, for an index, what the
    index projects (even when the table's item was read for a filter) unless ALL_ATTRIBUTES."""
    if projection is not None:
        return dict(projection.apply(item))
    if fetch is not None and space.index is not None and request.get("Select") != "ALL_ATTRIBUTES":
        return project(space.index, space.table.key_names, item)
    return item


def response(page: Page, request: dict[str, Any], count_only: bool, space: KeySpace,
             charges: list[Any] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if not count_only:
        result["Items"] = page.items
    result["Count"] = page.count
    result["ScannedCount"] = page.scanned
    if page.last_key is not None:
        result["LastEvaluatedKey"] = page.last_key
    units = max(1, math.ceil(page.size / 4096))
    used = float(units) if request.get("ConsistentRead") else units / 2
    # Reading an index is the index's capacity, not the table's.
    charge = (used if space.index is None else index_read(space.table, space.index.name, used))
    capacity = consumed(charges, request["TableName"], charge,
                        request.get("ReturnConsumedCapacity"))
    if capacity is not None:
        result["ConsumedCapacity"] = capacity
    return result


def _key_of_row(space: KeySpace, row: Row) -> dict[str, Any]:
    if space.index is not None:
        # An index row's projection always holds the index's and the table's keys.
        item = orjson.loads(row[2])
        return {name: item[name] for name, _ in space.position_names}
    table = space.table
    key = {table.hash_name: decode_key_value(row[0], table.hash_type)}
    if table.range_name is not None and table.range_type is not None:
        key[table.range_name] = decode_key_value(row[1], table.range_type)
    return key
