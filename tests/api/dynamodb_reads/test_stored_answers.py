"""Reads answered with the item JSON as stored (orjson.Fragment: GetItem, BatchGetItem and
TransactGetItems without a projection; Query and Scan pages without a filter or projection)
against the decoding path (a projection naming every attribute, a filter every item passes):
the same items, counts, keys, pages and capacity, for items of every type, items UpdateItem
wrote, nested maps, sets, binary and numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest

# Every type, nested, with text that JSON escapes; numbers as sent (normalised on write).
ITEM = {
    "pk": {"S": "k\"1\\\u2028é"},
    "s": {"S": "line\nbreak\ttab \u0001 \U0001f600"},
    "n": {"N": "0012.500"},
    "neg": {"N": "-1E-3"},
    "b": {"B": "AAEC/w=="},
    "ss": {"SS": ["b", "a", "é"]},
    "ns": {"NS": ["3", "1.50", "-2"]},
    "bs": {"BS": ["AQ==", "Ag=="]},
    "yes": {"BOOL": True},
    "nothing": {"NULL": True},
    "m": {"M": {"inside": {"M": {"deep": {"L": [{"N": "1"}, {"S": ""}, {"M": {}}]}}},
                "empty": {"L": []}}},
    "l": {"L": [{"SS": ["x"]}, {"B": ""}, {"BOOL": False}]},
}
ALL_NAMES = [name for name in ITEM if name != "pk"]


def _everything(names: list[str]) -> dict[str, Any]:
    """A projection naming every top-level attribute: the decoding path, same result."""
    aliases = {f"#a{i}": name for i, name in enumerate(["pk", *names])}
    return {"ProjectionExpression": ", ".join(aliases), "ExpressionAttributeNames": aliases}


def _post(raw: Any, operation: str, body: dict[str, Any]) -> bytes:
    response = raw.http.request(
        "POST", raw.endpoint + "/", body=orjson.dumps(body),
        headers={"Content-Type": "application/x-amz-json-1.0",
                 "X-Amz-Target": f"DynamoDB_20120810.{operation}"})
    assert response.status == 200, response.data
    data: bytes = response.data
    return data


def _answer(raw: Any, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """The decoded answer, after checking it is compact JSON that re-encodes to itself."""
    data = _post(raw, operation, body)
    decoded: dict[str, Any] = orjson.loads(data)
    assert orjson.dumps(decoded) == data
    return decoded


@pytest.fixture
def updated_item(raw: Any, hash_table: str) -> dict[str, Any]:
    """ITEM, put and then changed by UpdateItem (nested SET, ADD to a set and a number,
    REMOVE), as DynamoDB returns it. (Over raw HTTP: boto3 would base64 the B texts again.)"""
    _post(raw, "PutItem", {"TableName": hash_table, "Item": ITEM})
    _post(raw, "UpdateItem", {
        "TableName": hash_table, "Key": {"pk": ITEM["pk"]},
        "UpdateExpression": "SET m.inside.added = :v, l[0] = :bin ADD ss :more, n :one "
                            "REMOVE neg",
        "ExpressionAttributeValues": {":v": {"M": {"x": {"NS": ["10"]}}}, ":bin": {"B": "/w=="},
                                      ":more": {"SS": ["c"]}, ":one": {"N": "1"}}})
    got: dict[str, Any] = _answer(raw, "GetItem", {"TableName": hash_table,
                                                   "Key": {"pk": ITEM["pk"]}})["Item"]
    assert got["n"] == {"N": "13.5"} and "neg" not in got
    assert got["m"]["M"]["inside"]["M"]["added"] == {"M": {"x": {"NS": ["10"]}}}
    return got


def test_get_item_as_stored_equals_the_projected_answer(raw: Any, hash_table: str,
                                                         updated_item: dict[str, Any]) -> None:
    names = [name for name in updated_item if name != "pk"]
    request = {"TableName": hash_table, "Key": {"pk": ITEM["pk"]},
               "ReturnConsumedCapacity": "TOTAL"}
    stored = _answer(raw, "GetItem", request)
    projected = _answer(raw, "GetItem", {**request, **_everything(names)})
    assert stored == projected
    assert stored["Item"]["ss"]["SS"] == ["b", "a", "é", "c"]
    assert stored["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 0.5}
    legacy = _answer(raw, "GetItem", {**request, "AttributesToGet": ["pk", *names]})
    assert legacy == stored
    missing = _answer(raw, "GetItem", {**request, "Key": {"pk": {"S": "absent"}}})
    assert missing == {"ConsumedCapacity": {"TableName": hash_table, "CapacityUnits": 0.5}}


def test_a_projection_still_picks_nested_paths(raw: Any, hash_table: str,
                                               updated_item: dict[str, Any]) -> None:
    answer = _answer(raw, "GetItem", {
        "TableName": hash_table, "Key": {"pk": ITEM["pk"]},
        "ProjectionExpression": "m.inside.deep[2], l[1], ns"})
    assert answer["Item"] == {"m": {"M": {"inside": {"M": {"deep": {"L": [{"M": {}}]}}}}},
                              "l": {"L": [{"B": ""}]}, "ns": {"NS": ["3", "1.5", "-2"]}}


def test_batch_and_transactional_gets_as_stored(raw: Any, ddb: Any, hash_table: str,
                                               updated_item: dict[str, Any]) -> None:
    big = {"pk": {"S": "big"}, "v": {"S": "x" * 9000}}
    _post(raw, "PutItem", {"TableName": hash_table, "Item": big})
    keys = [{"pk": ITEM["pk"]}, {"pk": {"S": "big"}}, {"pk": {"S": "absent"}}]
    batch = _answer(raw, "BatchGetItem", {"RequestItems": {hash_table: {
        "Keys": keys, "ConsistentRead": True}}, "ReturnConsumedCapacity": "TOTAL"})
    assert sorted(batch["Responses"][hash_table], key=lambda i: i["pk"]["S"]) == [
        big, updated_item]
    # 1 unit for the updated item, 3 for 9 KB, 1 for the missing key.
    assert batch["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 5.0}]
    names = [name for name in updated_item if name != "pk"]
    projected = _answer(raw, "BatchGetItem", {"RequestItems": {hash_table: {
        "Keys": keys[:1], **_everything(names)}}})
    assert projected["Responses"][hash_table] == [updated_item]

    gets = [{"Get": {"TableName": hash_table, "Key": key}} for key in keys]
    transact = _answer(raw, "TransactGetItems", {"TransactItems": gets,
                                                 "ReturnConsumedCapacity": "TOTAL"})
    assert transact["Responses"] == [{"Item": updated_item}, {"Item": big}, {}]
    # Transactional reads cost twice a consistent read: sizes come from the stored column.
    assert transact["ConsumedCapacity"] == [{"TableName": hash_table, "CapacityUnits": 10.0}]
    gets[0]["Get"].update(_everything(names))
    again = _answer(raw, "TransactGetItems", {"TransactItems": gets[:1]})
    assert again["Responses"] == [{"Item": updated_item}]


def _fill(raw: Any, table: str, count: int, filler: int) -> None:
    for start in range(0, count, 25):
        _post(raw, "BatchWriteItem", {"RequestItems": {table: [
            {"PutRequest": {"Item": {**{k: v for k, v in ITEM.items() if k != "pk"},
                                     "pk": {"S": f"p{n % 3}"}, "sk": {"N": str(n)},
                                     "filler": {"S": "f" * filler}}}}
            for n in range(start, min(start + 25, count))]}})


def _pages(raw: Any, operation: str, request: dict[str, Any]) -> list[dict[str, Any]]:
    pages = []
    request = dict(request)
    while True:
        page = _answer(raw, operation, request)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# Every item has `m`, and the GSI projects it: a filter that keeps everything.
PASS_ALL = {"FilterExpression": "attribute_exists(m)"}


@pytest.mark.parametrize("extra", [{}, {"Limit": 7}, {"ConsistentRead": True}],
                         ids=["pages", "limit", "consistent"])
def test_scan_and_query_pages_as_stored_equal_filtered_ones(
        raw: Any, ddb: Any, make_table: Callable[..., str], extra: dict[str, Any]) -> None:
    table = make_table(range_key="sk", range_type="N")
    _fill(raw, table, 40, 100)
    _post(raw, "UpdateItem", {
        "TableName": table, "Key": {"pk": {"S": "p1"}, "sk": {"N": "4"}},
        "UpdateExpression": "SET m.inside.z = :z ADD ns :n",
        "ExpressionAttributeValues": {":z": {"BOOL": True}, ":n": {"NS": ["99"]}}})
    scan = {"TableName": table, "ReturnConsumedCapacity": "TOTAL", **extra}
    query = {**scan, "KeyConditionExpression": "pk = :p AND sk > :low",
             "ExpressionAttributeValues": {":p": {"S": "p1"}, ":low": {"N": "2"}}}
    for operation, request in (("Scan", scan), ("Query", query)):
        stored = _pages(raw, operation, request)
        filtered = _pages(raw, operation, {**request, **PASS_ALL})
        assert stored == filtered
        items = [item for page in stored for item in page["Items"]]
        assert len(items) == (40 if operation == "Scan" else 12)
        assert all(page["Count"] == page["ScannedCount"] == len(page["Items"])
                   for page in stored)
    backwards = _pages(raw, "Query", {**query, "ScanIndexForward": False})
    assert backwards == _pages(raw, "Query", {**query, "ScanIndexForward": False, **PASS_ALL})


def test_a_page_ends_after_1_mb_as_stored(raw: Any, ddb: Any,
                                          make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    _fill(raw, table, 14, 100_000)
    stored = _pages(raw, "Scan", {"TableName": table, "ReturnConsumedCapacity": "TOTAL"})
    assert stored == _pages(raw, "Scan", {"TableName": table, "ReturnConsumedCapacity": "TOTAL",
                                          **PASS_ALL})
    # About 100 KB each: the page that crosses 1 MB ends with the item that crossed it.
    assert [page["ScannedCount"] for page in stored] == [11, 3]
    # Eventually consistent: half a unit per 4 KB of the 11 items read (1 MB and a bit).
    assert 128 < stored[0]["ConsumedCapacity"]["CapacityUnits"] < 140


@pytest.fixture
def indexed_table(ddb: Any, unique: Callable[[str], str]) -> Iterator[str]:
    """Hash `pk` S, range `sk` N, a GSI on `g` projecting m and ns, a KEYS_ONLY LSI on `g`."""
    table = unique("tbl")
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["m", "ns"]}}],
        LocalSecondaryIndexes=[{
            "IndexName": "by-n",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "g", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    yield table
    ddb.delete_table(TableName=table)


def test_index_pages_as_stored(raw: Any, ddb: Any, indexed_table: str) -> None:
    table = indexed_table
    for n in range(6):
        _post(raw, "PutItem", {"TableName": table, "Item": {
            **ITEM, "pk": {"S": "p"}, "sk": {"N": str(n)}, "g": {"S": f"g{n % 2}"}}})
    gsi = {"TableName": table, "IndexName": "by-g", "KeyConditionExpression": "g = :g",
           "ExpressionAttributeValues": {":g": {"S": "g1"}}, "ReturnConsumedCapacity": "INDEXES"}
    stored = _pages(raw, "Query", gsi)
    assert stored == _pages(raw, "Query", {**gsi, **PASS_ALL})
    assert {frozenset(item) for item in stored[0]["Items"]} == {
        frozenset({"pk", "sk", "g", "m", "ns"})}
    lsi = {"TableName": table, "IndexName": "by-n", "KeyConditionExpression": "pk = :p",
           "ExpressionAttributeValues": {":p": {"S": "p"}}}
    keys_only = _pages(raw, "Query", lsi)[0]["Items"]
    assert {frozenset(item) for item in keys_only} == {frozenset({"pk", "sk", "g"})}
    # Select=ALL_ATTRIBUTES on a KEYS_ONLY LSI fetches the table's items (the decoding path).
    fetched = _pages(raw, "Query", {**lsi, "Select": "ALL_ATTRIBUTES"})[0]["Items"]
    assert fetched[0] == {**ITEM, "pk": {"S": "p"}, "sk": {"N": "0"}, "g": {"S": "g0"},
                          "n": {"N": "12.5"}, "neg": {"N": "-0.001"},
                          "ns": {"NS": ["3", "1.5", "-2"]}}
    scan = _pages(raw, "Scan", {"TableName": table, "IndexName": "by-g"})
    assert scan == _pages(raw, "Scan", {"TableName": table, "IndexName": "by-g", **PASS_ALL})
