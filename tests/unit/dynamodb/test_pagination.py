"""dynamodb/pagination.py: a large page is evaluated in slices that give the event loop turns
(issue 12 item 8); a small one is answered at once."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Generator
from typing import Any

import orjson

from headwater.dynamodb import pagination
from headwater.dynamodb.expression_params import compile_request
from headwater.dynamodb.key_space import resolve
from headwater.dynamodb.keys import encode_key_value
from headwater.dynamodb.query_store import Row
from headwater.dynamodb.table import Table

TABLE = Table(1, "000000000000", "us-east-1", "pages", {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
FILTER = {"TableName": "pages", "FilterExpression": "n > :half",
          "ExpressionAttributeValues": {":half": {"N": "-1"}}}


def _rows(count: int) -> Generator[Row, None, None]:
    for n in range(count):
        item = {"pk": {"S": f"k{n:05}"}, "n": {"N": str(n)}}
        body = orjson.dumps(item)
        yield encode_key_value(item["pk"]), b"", body, len(body)


def _respond(count: int, request: dict[str, Any]) -> Any:
    return pagination.respond(resolve(TABLE, request), _rows(count), request,
                              compile_request(request), False)


def test_a_small_page_is_answered_at_once() -> None:
    answer = _respond(pagination.SLICE, FILTER)
    assert not inspect.isawaitable(answer)
    assert answer["Count"] == answer["ScannedCount"] == pagination.SLICE


def test_a_large_page_gives_the_loop_a_turn_between_slices() -> None:
    count = pagination.SLICE * 5 + 3
    answer = _respond(count, FILTER)
    assert inspect.isawaitable(answer)
    turns = 0

    async def other_client() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async def both() -> dict[str, Any]:
        other = asyncio.ensure_future(other_client())
        try:
            result: dict[str, Any] = await answer
            return result
        finally:
            other.cancel()

    result = asyncio.run(both())
    assert result["Count"] == result["ScannedCount"] == count
    assert [item["n"]["N"] for item in result["Items"]] == [str(n) for n in range(count)]
    assert "LastEvaluatedKey" not in result
    # Five slice boundaries: the other task ran at each of them.
    assert turns >= 5


def test_limit_ends_the_page_with_its_last_key() -> None:
    request = {**FILTER, "Limit": pagination.SLICE * 2}
    answer = _respond(pagination.SLICE * 3, request)
    result = asyncio.run(answer) if inspect.isawaitable(answer) else answer
    assert result["ScannedCount"] == pagination.SLICE * 2
    assert result["LastEvaluatedKey"] == {"pk": {"S": f"k{pagination.SLICE * 2 - 1:05}"}}
