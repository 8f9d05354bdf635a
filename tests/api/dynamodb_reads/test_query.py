"""Query: key conditions (expression and legacy), order, Limit, pagination, filters,
projections, Select, capacity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

P = {":p": {"S": "p"}}


def sks(response: dict[str, Any]) -> list[int]:
    return [int(item["sk"]["N"]) for item in response["Items"]]


def query(ddb: Any, table: str, condition: str = "pk = :p", values: dict[str, Any] | None = None,
          **kwargs: Any) -> dict[str, Any]:
    return ddb.query(TableName=table, KeyConditionExpression=condition,
                     ExpressionAttributeValues={**P, **(values or {})}, **kwargs)


def test_hash_only_condition_returns_partition_in_order(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table)
    assert sks(response) == list(range(10))
    assert response["Count"] == response["ScannedCount"] == 10
    assert "LastEvaluatedKey" not in response


@pytest.mark.parametrize(("condition", "values", "expected"), [
    ("pk = :p AND sk = :a", {":a": {"N": "4"}}, [4]),
    ("pk = :p AND sk < :a", {":a": {"N": "4"}}, [0, 1, 2, 3]),
    ("pk = :p AND sk <= :a", {":a": {"N": "4"}}, [0, 1, 2, 3, 4]),
    ("pk = :p AND sk > :a", {":a": {"N": "6"}}, [7, 8, 9]),
    ("pk = :p AND sk >= :a", {":a": {"N": "6"}}, [6, 7, 8, 9]),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": {"N": "2"}, ":b": {"N": "5"}}, [2, 3, 4, 5]),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": {"N": "5"}, ":b": {"N": "5"}}, [5]),
    ("sk > :a AND pk = :p", {":a": {"N": "7"}}, [8, 9]),
    (":a < sk AND pk = :p", {":a": {"N": "7"}}, [8, 9]),
    (":p = pk", {}, list(range(10))),
    ("(pk = :p) AND (sk <= :a)", {":a": {"N": "1"}}, [0, 1]),
    ("pk = :p AND sk > :a", {":a": {"N": "9"}}, []),
    ("pk = :p AND sk < :a", {":a": {"N": "-1.5"}}, []),
])
def test_sort_key_conditions(ddb: Any, sorted_table: str, condition: str,
                             values: dict[str, Any], expected: list[int]) -> None:
    assert sks(query(ddb, sorted_table, condition, values)) == expected


def test_missing_partition_is_empty(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": "nobody"}})
    assert response["Items"] == [] and response["Count"] == 0 and response["ScannedCount"] == 0


def test_numeric_order_not_lexical(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    for value in ("10", "9", "-2", "0.5", "-10", "100", "1e2", "2.5E-1"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": value}})
    response = query(ddb, table)
    assert [i["sk"]["N"] for i in response["Items"]] == ["-10", "-2", "0.25", "0.5", "9", "10",
                                                         "100"]


def test_string_order_is_utf8_bytes(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk")
    values = ["b", "a", "B", "ä", "aa", "\U0001f600", "\uffff", "z"]
    for value in values:
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": value}})
    got = [i["sk"]["S"] for i in query(ddb, table)["Items"]]
    assert got == sorted(values, key=lambda s: s.encode("utf-8"))


def test_binary_order_is_unsigned_bytes(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="B")
    values = [b"\xff", b"\x00", b"\x7f", b"\x80", b"\x00\x01", b"a"]
    for value in values:
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"B": value}})
    assert [i["sk"]["B"] for i in query(ddb, table)["Items"]] == sorted(values)


def test_begins_with_on_string_sort_key(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk")
    for value in ("a", "ab", "abc", "abd", "ac", "b", "ab\uffff", "ab\U0001f600"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": value}})
    response = query(ddb, table, "pk = :p AND begins_with(sk, :x)", {":x": {"S": "ab"}})
    assert [i["sk"]["S"] for i in response["Items"]] == ["ab", "abc", "abd", "ab\uffff",
                                                         "ab\U0001f600"]


def test_begins_with_on_binary_sort_key(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="B")
    for value in (b"\x01", b"\x01\xff", b"\x01\xff\xff", b"\x02", b"\x01\x00"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"B": value}})
    response = query(ddb, table, "pk = :p AND begins_with(sk, :x)", {":x": {"B": b"\x01\xff"}})
    assert [i["sk"]["B"] for i in response["Items"]] == [b"\x01\xff", b"\x01\xff\xff"]


def test_number_hash_key(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(hash_type="N")
    ddb.put_item(TableName=table, Item={"pk": {"N": "1.0"}, "v": {"S": "x"}})
    response = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"N": "1"}})
    assert response["Items"] == [{"pk": {"N": "1"}, "v": {"S": "x"}}]


def test_expression_attribute_names_in_key_condition(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table, KeyConditionExpression="#h = :p AND #r < :a",
                         ExpressionAttributeNames={"#h": "pk", "#r": "sk"},
                         ExpressionAttributeValues={**P, ":a": {"N": "2"}})
    assert sks(response) == [0, 1]


def test_scan_index_forward_false_reverses(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, "pk = :p AND sk >= :a", {":a": {"N": "5"}},
                     ScanIndexForward=False)
    assert sks(response) == [9, 8, 7, 6, 5]


def test_limit_sets_last_evaluated_key(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, Limit=3)
    assert sks(response) == [0, 1, 2]
    assert response["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}


def test_limit_equal_to_remaining_still_returns_last_key(ddb: Any, sorted_table: str) -> None:
    # DynamoDB stops at Limit without looking further, so the last full page carries a key
    # and the page after it is empty.
    response = query(ddb, sorted_table, Limit=10)
    assert response["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "9"}}
    after = query(ddb, sorted_table, ExclusiveStartKey=response["LastEvaluatedKey"])
    assert after["Items"] == [] and "LastEvaluatedKey" not in after


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [1, 3, 4, 7])
def test_pages_cover_partition_exactly_once(ddb: Any, sorted_table: str, forward: bool,
                                            limit: int) -> None:
    seen: list[int] = []
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = query(ddb, sorted_table, Limit=limit, ScanIndexForward=forward, **extra)
        seen += sks(page)
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == (list(range(10)) if forward else list(range(9, -1, -1)))


def test_exclusive_start_key_within_range_condition(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, "pk = :p AND sk BETWEEN :a AND :b",
                     {":a": {"N": "2"}, ":b": {"N": "7"}},
                     ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "4"}})
    assert sks(response) == [5, 6, 7]


def test_exclusive_start_key_need_not_exist(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "4.5"}})
    assert sks(response) == [5, 6, 7, 8, 9]


def test_exclusive_start_key_descending(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, ScanIndexForward=False,
                     ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "3"}})
    assert sks(response) == [2, 1, 0]


def test_filter_applies_after_limit(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, values={":z": {"N": "0"}}, FilterExpression="n = :z",
                     Limit=4)
    assert sks(response) == [0, 3]
    assert response["Count"] == 2 and response["ScannedCount"] == 4
    assert response["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}


def test_page_boundary_inside_filtered_result(ddb: Any, sorted_table: str) -> None:
    # n = 1 holds for sk 1, 4, 7: with Limit 2 some pages are empty but carry a key.
    pages = []
    start: dict[str, Any] | None = None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = query(ddb, sorted_table, values={":one": {"N": "1"}}, FilterExpression="n = :one",
                     Limit=2, **extra)
        pages.append(sks(page))
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    # The fifth page ends exactly at Limit, so one more empty page ends the walk.
    assert pages == [[1], [], [4], [7], [], []]


def test_filter_with_no_match_still_scans(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, values={":x": {"N": "7"}}, FilterExpression="n = :x")
    assert response["Items"] == [] and response["Count"] == 0 and response["ScannedCount"] == 10


def test_filter_on_missing_attribute(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, FilterExpression="attribute_not_exists(n)")
    assert response["Count"] == 0


def test_query_filter_legacy(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table,
                         KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                               "AttributeValueList": [{"S": "p"}]}},
                         QueryFilter={"n": {"ComparisonOperator": "EQ",
                                            "AttributeValueList": [{"N": "2"}]}})
    assert sks(response) == [2, 5, 8] and response["ScannedCount"] == 10


def test_query_filter_with_conditional_operator_or(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table,
                         KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                               "AttributeValueList": [{"S": "p"}]}},
                         QueryFilter={"n": {"ComparisonOperator": "EQ",
                                            "AttributeValueList": [{"N": "2"}]},
                                      "m": {"ComparisonOperator": "NOT_NULL"}},
                         ConditionalOperator="OR")
    assert sks(response) == [2, 5, 8]


@pytest.mark.parametrize(("operator", "values", "expected"), [
    ("EQ", [{"N": "3"}], [3]),
    ("LT", [{"N": "2"}], [0, 1]),
    ("LE", [{"N": "2"}], [0, 1, 2]),
    ("GT", [{"N": "7"}], [8, 9]),
    ("GE", [{"N": "7"}], [7, 8, 9]),
    ("BETWEEN", [{"N": "3"}, {"N": "5"}], [3, 4, 5]),
])
def test_legacy_key_conditions(ddb: Any, sorted_table: str, operator: str,
                               values: list[dict[str, Any]], expected: list[int]) -> None:
    response = ddb.query(TableName=sorted_table, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
        "sk": {"ComparisonOperator": operator, "AttributeValueList": values}})
    assert sks(response) == expected


def test_legacy_begins_with(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk")
    for value in ("x1", "x2", "y1"):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"S": value}})
    response = ddb.query(TableName=table, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "x"}]}})
    assert [i["sk"]["S"] for i in response["Items"]] == ["x1", "x2"]


def test_projection_expression(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, "pk = :p AND sk = :a", {":a": {"N": "4"}},
                     ProjectionExpression="n")
    assert response["Items"] == [{"n": {"N": "1"}}]


def test_projection_with_names_and_missing_attribute(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table, KeyConditionExpression="pk = :p AND sk = :a",
                         ExpressionAttributeValues={**P, ":a": {"N": "4"}},
                         ProjectionExpression="#s, nothing", ExpressionAttributeNames={"#s": "sk"})
    assert response["Items"] == [{"sk": {"N": "4"}}]


def test_attributes_to_get(ddb: Any, sorted_table: str) -> None:
    response = ddb.query(TableName=sorted_table, AttributesToGet=["sk"], KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
        "sk": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]}})
    assert response["Items"] == [{"sk": {"N": "0"}}, {"sk": {"N": "1"}}]


def test_select_specific_attributes_with_projection(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, "pk = :p AND sk = :a", {":a": {"N": "0"}},
                     Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="pk")
    assert response["Items"] == [{"pk": {"S": "p"}}]


def test_select_all_attributes(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, "pk = :p AND sk = :a", {":a": {"N": "1"}},
                     Select="ALL_ATTRIBUTES")
    assert response["Items"] == [{"pk": {"S": "p"}, "sk": {"N": "1"}, "n": {"N": "1"}}]


def test_select_count(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, Select="COUNT")
    assert "Items" not in response
    assert response["Count"] == 10 and response["ScannedCount"] == 10


def test_select_count_with_filter_and_limit(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, values={":z": {"N": "0"}}, FilterExpression="n = :z",
                     Select="COUNT", Limit=5)
    assert response["Count"] == 2 and response["ScannedCount"] == 5
    assert response["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "4"}}


@pytest.mark.parametrize(("consistent", "mode", "units"), [
    (False, "TOTAL", 0.5), (True, "TOTAL", 1.0), (None, "TOTAL", 0.5),
])
def test_consumed_capacity_total(ddb: Any, sorted_table: str, consistent: bool | None,
                                 mode: str, units: float) -> None:
    extra = {} if consistent is None else {"ConsistentRead": consistent}
    response = query(ddb, sorted_table, ReturnConsumedCapacity=mode, **extra)
    assert response["ConsumedCapacity"]["TableName"] == sorted_table
    assert response["ConsumedCapacity"]["CapacityUnits"] == units


def test_consumed_capacity_indexes_has_table_part(ddb: Any, sorted_table: str) -> None:
    response = query(ddb, sorted_table, ReturnConsumedCapacity="INDEXES", ConsistentRead=True)
    assert response["ConsumedCapacity"]["Table"] == {"CapacityUnits": 1.0}


def test_consumed_capacity_none_is_absent(ddb: Any, sorted_table: str) -> None:
    assert "ConsumedCapacity" not in query(ddb, sorted_table, ReturnConsumedCapacity="NONE")


def test_consumed_capacity_grows_with_data_read(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(i)},
                                            "blob": {"S": "x" * 4000}})
    response = query(ddb, table, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert response["ConsumedCapacity"]["CapacityUnits"] == 5.0


def test_one_megabyte_page_limit(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range_key="sk", range_type="N")
    big = "x" * 300_000
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(i)},
                                            "blob": {"S": big}})
    first = query(ddb, table, Select="COUNT")
    # 300 KB items: the page stops at the item that takes it past 1 MB.
    assert first["ScannedCount"] == 4
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}
    second = query(ddb, table, Select="COUNT", ExclusiveStartKey=first["LastEvaluatedKey"])
    assert second["ScannedCount"] == 1 and "LastEvaluatedKey" not in second


def test_hash_only_table_query(ddb: Any, hash_table: str) -> None:
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "p"}, "a": {"S": "1"}})
    ddb.put_item(TableName=hash_table, Item={"pk": {"S": "other"}})
    response = ddb.query(TableName=hash_table, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues=P)
    assert response["Items"] == [{"pk": {"S": "p"}, "a": {"S": "1"}}]
