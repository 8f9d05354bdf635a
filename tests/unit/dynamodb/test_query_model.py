"""Property: Query, paged through to the end, returns exactly what a plain-Python model of
DynamoDB returns: one partition, the sort-key condition, S ordered by UTF-8 bytes, N by numeric
value, B by unsigned bytes, ScanIndexForward, and the filter applied after Limit."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwater.core.context import RequestContext
from headwater.dynamodb.operations.create_table import create_table
from headwater.dynamodb.operations.put_item import put_item
from headwater.dynamodb.operations.query import query
from headwater.runtime import Runtime
from headwater.settings import Settings

HASH_KEYS = ("a", "b")
TABLE_NUMBERS = itertools.count()
OPERATORS = ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with")


@pytest.fixture(scope="module")
def ctx() -> Iterator[RequestContext]:
    runtime = Runtime(Settings())
    yield RequestContext("000000000000", "us-east-1", "test", runtime)
    runtime.close()


numbers = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False,
                      allow_infinity=False, places=3)
VALUES = {
    "S": st.text(st.characters(codec="utf-8"), min_size=1, max_size=4),
    "N": numbers.map(lambda d: format(d, "f")),
    "B": st.binary(min_size=1, max_size=4),
}


def wire(kind: str, value: Any) -> dict[str, str]:
    if kind == "B":
        return {"B": base64.b64encode(value).decode()}
    return {kind: value}


def order_key(kind: str, value: Any) -> Any:
    if kind == "S":
        return value.encode("utf-8")
    if kind == "N":
        return Decimal(value)
    return bytes(value)


def matches(kind: str, value: Any, op: str, operands: list[Any]) -> bool:
    key = order_key(kind, value)
    bounds = [order_key(kind, v) for v in operands]
    if op == "=":
        return bool(key == bounds[0])
    if op == "<":
        return bool(key < bounds[0])
    if op == "<=":
        return bool(key <= bounds[0])
    if op == ">":
        return bool(key > bounds[0])
    if op == ">=":
        return bool(key >= bounds[0])
    if op == "BETWEEN":
        return bool(bounds[0] <= key <= bounds[1])
    return bool(key.startswith(bounds[0]))


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(("S", "N", "B")))
    items = draw(st.lists(st.tuples(st.sampled_from(HASH_KEYS), VALUES[kind],
                                    st.integers(0, 9)), max_size=25))
    op = draw(st.sampled_from(OPERATORS if kind != "N" else OPERATORS[:-1]))
    operands = [draw(VALUES[kind]) for _ in range(2 if op == "BETWEEN" else 1)]
    if op == "BETWEEN":
        operands.sort(key=lambda v: order_key(kind, v))
    return {
        "kind": kind, "items": items, "op": op, "operands": operands,
        "with_range": draw(st.booleans()), "forward": draw(st.booleans()),
        "limit": draw(st.none() | st.integers(1, 6)),
        "filter": draw(st.none() | st.integers(0, 9)),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_query_matches_model(ctx: RequestContext, case: dict[str, Any]) -> None:
    kind = case["kind"]
    name = f"prop-{next(TABLE_NUMBERS)}"
    create_table(ctx, {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}],
                       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": kind}]})
    model: dict[tuple[str, Any], tuple[Any, int]] = {}
    for pk, sk, f in case["items"]:
        put_item(ctx, {"TableName": name, "Item": {"pk": {"S": pk}, "sk": wire(kind, sk),
                                                    "f": {"N": str(f)}}})
        model[(pk, order_key(kind, sk))] = (sk, f)

    expected = [(key[1], f) for key, (sk, f) in model.items() if key[0] == "a"
                and (not case["with_range"] or matches(kind, sk, case["op"], case["operands"]))]
    expected.sort(key=lambda pair: pair[0], reverse=not case["forward"])
    if case["filter"] is not None:
        expected = [pair for pair in expected if pair[1] < case["filter"]]

    request: dict[str, Any] = {"TableName": name, "ScanIndexForward": case["forward"],
                               "ExpressionAttributeValues": {":h": {"S": "a"}}}
    condition = "pk = :h"
    if case["with_range"]:
        values = request["ExpressionAttributeValues"]
        if case["op"] == "BETWEEN":
            condition += " AND sk BETWEEN :x AND :y"
            values[":x"], values[":y"] = (wire(kind, v) for v in case["operands"])
        elif case["op"] == "begins_with":
            condition += " AND begins_with(sk, :x)"
            values[":x"] = wire(kind, case["operands"][0])
        else:
            condition += f" AND sk {case['op']} :x"
            values[":x"] = wire(kind, case["operands"][0])
    request["KeyConditionExpression"] = condition
    if case["filter"] is not None:
        request["FilterExpression"] = "f < :f"
        request["ExpressionAttributeValues"][":f"] = {"N": str(case["filter"])}
    if case["limit"] is not None:
        request["Limit"] = case["limit"]

    got: list[tuple[Any, int]] = []
    for _ in range(200):
        # As the wire sends it: items without a filter are answered as stored (Fragments).
        page = orjson.loads(orjson.dumps(query(ctx, request)))
        if case["limit"] is not None:
            assert page["ScannedCount"] <= case["limit"]
        assert page["Count"] == len(page["Items"])
        got += [(order_key(kind, _value(kind, i["sk"])), int(i["f"]["N"])) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert got == expected


def _value(kind: str, av: dict[str, str]) -> Any:
    return base64.b64decode(av["B"]) if kind == "B" else av[kind]
