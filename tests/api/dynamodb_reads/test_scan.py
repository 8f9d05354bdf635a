"""Scan: order, pagination, filters, projections, Select, parallel segments, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def keys(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(i["pk"]["S"], int(i["sk"]["N"])) for i in items]


ALL = [("p", i) for i in range(10)] + [("q", i) for i in range(3)]


@pytest.fixture
def many(ddb: Any, make_table: Callable[..., str]) -> str:
    """200 items over 40 partitions of 5 items each."""
    name = make_table(range_key="sk", range_type="N")
    requests = [{"PutRequest": {"Item": {"pk": {"S": f"h{h:02d}"}, "sk": {"N": str(r)},
                                         "odd": {"BOOL": (h + r) % 2 == 1}}}}
                for h in range(40) for r in range(5)]
    for start in range(0, len(requests), 25):
        ddb.batch_write_item(RequestItems={name: requests[start:start + 25]})
    return name


def scan_all(ddb: Any, table: str, **kwargs: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    pages = 0
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName=table, **kwargs, **extra)
        pages += 1
        items += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if start is None:
            return items, pages


def test_scan_returns_everything_grouped_by_partition(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table)
    assert sorted(keys(response["Items"])) == ALL
    assert response["Count"] == response["ScannedCount"] == 13
    # Items of one partition come together, in sort-key order.
    got = keys(response["Items"])
    for pk in ("p", "q"):
        part = [k for k in got if k[0] == pk]
        assert part == sorted(part)
        first = got.index(part[0])
        assert got[first:first + len(part)] == part


def test_scan_empty_table(ddb: Any, hash_table: str) -> None:
    response = ddb.scan(TableName=hash_table)
    assert response["Items"] == [] and response["Count"] == 0 and response["ScannedCount"] == 0


@pytest.mark.parametrize("limit", [1, 2, 5, 12, 13, 50])
def test_pagination_never_skips_or_repeats(ddb: Any, sorted_table: str, limit: int) -> None:
    items, _ = scan_all(ddb, sorted_table, Limit=limit)
    assert sorted(keys(items)) == ALL and len(items) == 13


def test_pagination_order_is_stable(ddb: Any, sorted_table: str) -> None:
    whole = keys(ddb.scan(TableName=sorted_table)["Items"])
    paged, _ = scan_all(ddb, sorted_table, Limit=4)
    assert keys(paged) == whole


def test_limit_and_last_evaluated_key(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, Limit=3)
    assert response["Count"] == 3
    assert response["LastEvaluatedKey"] == {
        "pk": response["Items"][-1]["pk"], "sk": response["Items"][-1]["sk"]}


def test_writes_between_pages_do_not_disturb_order(ddb: Any, sorted_table: str) -> None:
    first = ddb.scan(TableName=sorted_table, Limit=5)
    seen = keys(first["Items"])
    for key in seen:  # delete what was already read
        ddb.delete_item(TableName=sorted_table, Key={"pk": {"S": key[0]}, "sk": {"N": str(key[1])}})
    rest, _ = scan_all(ddb, sorted_table, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert sorted(seen + keys(rest)) == ALL


def test_filter_expression_after_limit(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, FilterExpression="n = :z",
                        ExpressionAttributeValues={":z": {"N": "0"}}, Limit=13)
    assert response["Count"] == 4 and response["ScannedCount"] == 13


def test_filter_may_reference_key_attributes(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, FilterExpression="pk = :q AND sk > :one",
                        ExpressionAttributeValues={":q": {"S": "q"}, ":one": {"N": "1"}})
    assert keys(response["Items"]) == [("q", 2)]


def test_filtered_pages_cover_everything(ddb: Any, many: str) -> None:
    items, pages = scan_all(ddb, many, Limit=7, FilterExpression="odd = :t",
                            ExpressionAttributeValues={":t": {"BOOL": True}})
    assert len(items) == 100 and pages >= 200 // 7
    assert all(i["odd"]["BOOL"] for i in items)


def test_scan_filter_legacy(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, ScanFilter={
        "n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}})
    assert response["Count"] == 6


def test_scan_filter_null_and_conditional_operator(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, ConditionalOperator="AND", ScanFilter={
        "n": {"ComparisonOperator": "NULL"},
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "q"}]}})
    assert sorted(keys(response["Items"])) == [("q", 0), ("q", 1), ("q", 2)]


DOCS = [
    {"pk": {"S": "a"}, "v": {"L": [{"N": "1"}, {"S": "x"}]}},
    {"pk": {"S": "b"}, "v": {"M": {"k": {"BOOL": True}}}},
    {"pk": {"S": "c"}, "v": {"BOOL": False}},
    {"pk": {"S": "d"}, "v": {"NULL": True}},
    {"pk": {"S": "e"}},
]


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("EQ", {"L": [{"N": "1"}, {"S": "x"}]}, ["a"]),
    ("EQ", {"M": {"k": {"BOOL": True}}}, ["b"]),
    ("EQ", {"BOOL": False}, ["c"]),
    ("EQ", {"NULL": True}, ["d"]),
    ("NE", {"BOOL": False}, ["a", "b", "d", "e"]),
    ("NE", {"L": [{"N": "1"}]}, ["a", "b", "c", "d", "e"]),
])
def test_scan_filter_eq_and_ne_take_every_type(ddb: Any, hash_table: str, operator: str,
                                                value: dict[str, Any], expected: list[str]) -> None:
    for item in DOCS:
        ddb.put_item(TableName=hash_table, Item=item)
    response = ddb.scan(TableName=hash_table, ScanFilter={
        "v": {"ComparisonOperator": operator, "AttributeValueList": [value]}})
    assert sorted(item["pk"]["S"] for item in response["Items"]) == expected


def test_scan_filter_not_contains_skips_items_without_the_attribute(ddb: Any,
                                                                    hash_table: str) -> None:
    for item in DOCS:
        ddb.put_item(TableName=hash_table, Item=item)
    response = ddb.scan(TableName=hash_table, ScanFilter={
        "v": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}})
    assert sorted(item["pk"]["S"] for item in response["Items"]) == ["b", "c", "d"]


def test_projection_expression(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, ProjectionExpression="sk")
    assert all(list(i) == ["sk"] for i in response["Items"]) and response["Count"] == 13


def test_attributes_to_get(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, AttributesToGet=["n"], Select="SPECIFIC_ATTRIBUTES")
    assert sum(1 for i in response["Items"] if i == {}) == 3  # the q items have no n


def test_select_count(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, Select="COUNT")
    assert "Items" not in response and response["Count"] == 13


def test_consumed_capacity(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": sorted_table, "CapacityUnits": 0.5}


def test_one_megabyte_page(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    for i in range(6):
        ddb.put_item(TableName=table, Item={"pk": {"S": str(i)}, "blob": {"S": "y" * 390_000}})
    first = ddb.scan(TableName=table, Select="COUNT")
    # Three 390 KB items pass 1 MB: the page ends there, with a key to resume from.
    assert first["ScannedCount"] == 3 and "LastEvaluatedKey" in first
    items, _ = scan_all(ddb, table, ProjectionExpression="pk")
    assert sorted(i["pk"]["S"] for i in items) == [str(i) for i in range(6)]


@pytest.mark.parametrize("total", [1, 2, 3, 7, 40, 100])
def test_parallel_segments_partition_the_table(ddb: Any, many: str, total: int) -> None:
    found: list[tuple[str, int]] = []
    for segment in range(total):
        items, _ = scan_all(ddb, many, Segment=segment, TotalSegments=total, Limit=9)
        found += keys(items)
    assert len(found) == 200 and len(set(found)) == 200


def test_segment_keeps_a_partition_together(ddb: Any, many: str) -> None:
    owners: dict[str, set[int]] = {}
    for segment in range(4):
        for item in ddb.scan(TableName=many, Segment=segment, TotalSegments=4)["Items"]:
            owners.setdefault(item["pk"]["S"], set()).add(segment)
    assert all(len(segments) == 1 for segments in owners.values())


def test_segments_are_stable_between_calls(ddb: Any, many: str) -> None:
    first = keys(ddb.scan(TableName=many, Segment=1, TotalSegments=3)["Items"])
    assert keys(ddb.scan(TableName=many, Segment=1, TotalSegments=3)["Items"]) == first


def test_missing_table(ddb: Any, expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.scan, "ResourceNotFoundException", "Requested resource not found",
                 TableName="no-such-table")


@pytest.mark.parametrize(("params", "message"), [
    ({"Segment": 0}, "The TotalSegments parameter is required but was not present in the request "
     "when Segment parameter is present"),
    ({"Segment": 3}, "The TotalSegments parameter is required but was not present in the request "
     "when Segment parameter is present"),
    ({"TotalSegments": 2}, "The Segment parameter is required but was not present in the request "
     "when parameter TotalSegments is present"),
    ({"Segment": 2, "TotalSegments": 2}, "The Segment parameter is zero-based and must be less "
     "than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"),
    ({"Segment": 5, "TotalSegments": 3}, "The Segment parameter is zero-based and must be less "
     "than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 3"),
    ({"Select": "SPECIFIC_ATTRIBUTES"}, "Must specify the AttributesToGet or ProjectionExpression "
     "when choosing to get SPECIFIC_ATTRIBUTES"),
    ({"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "n"},
     "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"),
    ({"Select": "COUNT", "AttributesToGet": ["n"]},
     "Cannot specify the AttributesToGet when choosing to get only the Count"),
    ({"Select": "ALL_PROJECTED_ATTRIBUTES"},
     "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
    ({"ExclusiveStartKey": {"pk": {"S": "p"}}},
     "The provided starting key is invalid: The provided key element does not match the schema"),
    ({"ExclusiveStartKey": {"pk": {"N": "1"}, "sk": {"N": "1"}}},
     "The provided starting key is invalid: The provided key element does not match the schema"),
    ({"ScanFilter": {"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}}},
     "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN "
     "ComparisonOperator"),
    ({"ScanFilter": {"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"BOOL": True}]}}},
     "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL "
     "AttributeValue type"),
    ({"ConditionalOperator": "OR"}, "ConditionalOperator cannot be used without Filter or "
     "Expected"),
    ({"FilterExpression": "n = :v"}, "Invalid FilterExpression: An expression attribute value "
     "used in expression is not defined; attribute value: :v"),
    ({"IndexName": "idx"}, "The table does not have the specified index: idx"),
])
def test_scan_validation_errors(ddb: Any, sorted_table: str, invalid: Callable[..., Any],
                                params: dict[str, Any], message: str) -> None:
    invalid(ddb.scan, message, TableName=sorted_table, **params)


def test_exclusive_start_key_from_other_segment(ddb: Any, many: str,
                                                invalid: Callable[..., Any]) -> None:
    other = ddb.scan(TableName=many, Segment=1, TotalSegments=2, Limit=1)["LastEvaluatedKey"]
    invalid(ddb.scan, "The provided starting key is invalid: Invalid ExclusiveStartKey. Please "
            "use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0",
            TableName=many, Segment=0, TotalSegments=2, ExclusiveStartKey=other)


def test_total_segments_above_maximum(raw: Any, sorted_table: str) -> None:
    status, body = raw.op("Scan", {"TableName": sorted_table, "Segment": 0,
                                   "TotalSegments": 1000001})
    assert status == 400
    assert body["message"] == ("1 validation error detected: Value '1000001' at 'totalSegments' "
                               "failed to satisfy constraint: Member must have value less than "
                               "or equal to 1000000")


def test_expression_error_before_missing_table(ddb: Any, invalid: Callable[..., Any]) -> None:
    invalid(ddb.scan, "Invalid FilterExpression: An expression attribute value used in "
            "expression is not defined; attribute value: :v", TableName="no-such-table",
            FilterExpression="a = :v")


def test_consistent_read_capacity(ddb: Any, sorted_table: str) -> None:
    response = ddb.scan(TableName=sorted_table, ConsistentRead=True,
                        ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {"TableName": sorted_table, "CapacityUnits": 1.0,
                                            "Table": {"CapacityUnits": 1.0}}


def test_count_with_segments_adds_up(ddb: Any, many: str) -> None:
    counts = [ddb.scan(TableName=many, Select="COUNT", Segment=s, TotalSegments=5)["Count"]
              for s in range(5)]
    assert sum(counts) == 200


def test_binary_keys_round_trip_through_last_evaluated_key(
        ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(hash_type="B")
    for value in (b"\x00", b"\xff", b"a", b"\x80\x00"):
        ddb.put_item(TableName=table, Item={"pk": {"B": value}})
    seen: list[bytes] = []
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName=table, Limit=1, **extra)
        seen += [i["pk"]["B"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == sorted([b"\x00", b"\xff", b"a", b"\x80\x00"])
