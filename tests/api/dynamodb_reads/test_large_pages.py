"""Query and Scan pages with more rows than one evaluation slice (dynamodb/pagination.py SLICE):
the sliced answer filters, counts, projects and pages exactly as a small page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ITEMS = 700


def _fill(ddb: Any, table: str, pk: Callable[[int], str]) -> None:
    for start in range(0, ITEMS, 25):
        ddb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {"pk": {"S": pk(n)}, "sk": {"N": str(n)},
                                     "n": {"N": str(n)}, "filler": {"S": "x" * 40}}}}
            for n in range(start, min(start + 25, ITEMS))]})


def test_a_large_filtered_scan_pages_through_every_item(
        ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    _fill(ddb, table, lambda n: f"p{n % 7}")
    seen: list[int] = []
    scanned = 0
    request: dict[str, Any] = {
        "TableName": table, "Limit": 300, "FilterExpression": "n >= :low AND NOT contains(filler, :y)",
        "ExpressionAttributeValues": {":low": {"N": "100"}, ":y": {"S": "y"}},
        "ProjectionExpression": "n"}
    while True:
        page = ddb.scan(**request)
        scanned += page["ScannedCount"]
        assert page["Count"] == len(page["Items"])
        assert all(item.keys() == {"n"} for item in page["Items"])
        seen += [int(item["n"]["N"]) for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        assert page["ScannedCount"] == 300
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert scanned == ITEMS
    assert sorted(seen) == list(range(100, ITEMS))


def test_a_large_query_page_in_reverse(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    _fill(ddb, table, lambda n: "one")
    page = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "one"}, ":odd": {"N": "1"}},
                     FilterExpression="n <> :odd", ScanIndexForward=False, Limit=500)
    assert page["ScannedCount"] == 500
    assert [int(item["sk"]["N"]) for item in page["Items"]] == [
        n for n in range(ITEMS - 1, ITEMS - 501, -1) if n != 1]
    assert page["LastEvaluatedKey"] == {"pk": {"S": "one"}, "sk": {"N": str(ITEMS - 500)}}
    count = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "one"}}, Select="COUNT")
    assert count["Count"] == ITEMS and "Items" not in count
