"""GSIs whose keys have several HASH and RANGE attributes (AWS "Multi-attribute keys pattern",
November 2025). The query cases and their messages mirror ones recorded against AWS
(paritysuite/dynamodb-conformance tests/tier1/query/multiAttributeGsiKey.test.ts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from index_support import STREAM

VALIDATION = "ValidationException"
ITEMS = [
    {"pk": "p1", "a": "T", "b": "live", "c": "b", "d": "r1"},
    {"pk": "p2", "a": "T", "b": "live", "c": "a", "d": "r2"},
    {"pk": "p3", "a": "T", "b": "live", "c": "a", "d": "r1"},
    {"pk": "p4", "a": "T", "b": "draft", "c": "c", "d": "r1"},
    {"pk": "p5", "a": "F", "b": "live", "c": "a", "d": "r0"},
    {"pk": "p6", "a": "T", "b": "live", "d": "r1"},  # no c: not in the index
]
VALUES = {":h": {"S": "o1"}, ":a": {"S": "T"}, ":b": {"S": "live"}, ":c": {"S": "a"},
          ":d": {"S": "r"}, ":x": {"S": "r1"}, ":y": {"S": "r1"}}


def strings(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def schema(hashes: list[str], ranges: list[str]) -> list[dict[str, str]]:
    return ([{"AttributeName": n, "KeyType": "HASH"} for n in hashes]
            + [{"AttributeName": n, "KeyType": "RANGE"} for n in ranges])


@pytest.fixture
def multi_table(ddb: Any, unique: Callable[[str], str]) -> Iterator[str]:
    """pk (S); GSI `gsi` on h (HASH) + a, b, c, d (RANGE), ALL; the ITEMS above, all with h=o1."""
    name = unique("multi")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", StreamSpecification=STREAM,
        AttributeDefinitions=strings("pk", "h", "a", "b", "c", "d"),
        KeySchema=schema(["pk"], []),
        GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": schema(["h"], list("abcd")),
                                 "Projection": {"ProjectionType": "ALL"}}])
    for item in ITEMS:
        ddb.put_item(TableName=name, Item={"h": {"S": "o1"}} | {k: {"S": v}
                                                                 for k, v in item.items()})
    yield name
    ddb.delete_table(TableName=name)


def query(ddb: Any, table: str, expression: str, **kwargs: Any) -> dict[str, Any]:
    used = {k: v for k, v in VALUES.items() if k in expression}
    return ddb.query(TableName=table, IndexName="gsi", KeyConditionExpression=expression,
                     ExpressionAttributeValues=used, **kwargs)


def pks(response: dict[str, Any]) -> list[str]:
    return [item["pk"]["S"] for item in response["Items"]]


@pytest.mark.parametrize(("expression", "expected"), [
    ("h = :h", ["p5", "p4", "p3", "p2", "p1"]),
    ("h = :h AND a = :a", ["p4", "p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b = :b", ["p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b = :b AND c = :c", ["p3", "p2"]),
    ("h = :h AND a = :a AND b = :b AND c > :c", ["p1"]),
    ("h = :h AND a = :a AND b = :b AND c = :c AND begins_with(d, :d)", ["p3", "p2"]),
    ("h = :h AND a = :a AND b = :b AND c = :c AND d BETWEEN :x AND :y", ["p3"]),
    ("h = :h AND a = :a AND b < :b", ["p4"]),
    ("h = :h AND a = :a AND b <= :b", ["p4", "p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b >= :b", ["p3", "p2", "p1"]),
    ("h = :h AND a = :a AND b = :b AND c = :c AND d = :x", ["p3"]),
    ("b = :b AND h = :h AND a = :a", ["p3", "p2", "p1"]),
])
def test_query_by_key_prefix(ddb: Any, multi_table: str, expression: str,
                             expected: list[str]) -> None:
    assert pks(query(ddb, multi_table, expression)) == expected


def test_query_backwards(ddb: Any, multi_table: str) -> None:
    result = query(ddb, multi_table, "h = :h AND a = :a", ScanIndexForward=False)
    assert pks(result) == ["p1", "p2", "p3", "p4"]


def test_legacy_key_conditions(ddb: Any, multi_table: str) -> None:
    result = ddb.query(TableName=multi_table, IndexName="gsi", KeyConditions={
        "h": {"ComparisonOperator": "EQ", "AttributeValueList": [VALUES[":h"]]},
        "a": {"ComparisonOperator": "EQ", "AttributeValueList": [VALUES[":a"]]},
        "b": {"ComparisonOperator": "LT", "AttributeValueList": [VALUES[":b"]]}})
    assert pks(result) == ["p4"]


def test_pages_carry_every_key_attribute(ddb: Any, multi_table: str) -> None:
    first = query(ddb, multi_table, "h = :h AND a = :a", Limit=2)
    assert pks(first) == ["p4", "p3"]
    assert sorted(first["LastEvaluatedKey"]) == ["a", "b", "c", "d", "h", "pk"]
    rest = query(ddb, multi_table, "h = :h AND a = :a",
                 ExclusiveStartKey=first["LastEvaluatedKey"])
    assert pks(rest) == ["p2", "p1"]


@pytest.mark.parametrize(("expression", "message"), [
    ("h = :h AND a = :a AND c = :c",
     "RANGE key attributes b must have equality conditions specified in the query because a "
     "condition is present on key attribute c"),
    ("h = :h AND a = :a AND b > :b AND c = :c",
     "RANGE key attributes b must have equality conditions specified in the query because a "
     "condition is present on key attribute c"),
    ("h = :h AND b = :b",
     "RANGE key attributes a must have equality conditions specified in the query because a "
     "condition is present on key attribute b"),
    ("a = :a", "Query condition missed key schema element: h"),
    ("h > :h", "Query key condition not supported"),
])
def test_query_rules(ddb: Any, multi_table: str, expect_error: Callable[..., Any],
                     expression: str, message: str) -> None:
    expect_error(query, VALIDATION, message, ddb=ddb, table=multi_table, expression=expression)


def test_every_partition_key_attribute_needs_an_equality(
        ddb: Any, unique: Callable[[str], str], expect_error: Callable[..., Any]) -> None:
    name = unique("multih")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=strings("pk", "t", "r") + [{"AttributeName": "n",
                                                         "AttributeType": "N"}],
        KeySchema=schema(["pk"], []),
        GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": schema(["t", "n"], ["r"]),
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    try:
        for pk, t, n in (("1", "x", "1"), ("2", "x", "2"), ("3", "y", "1"), ("4", "x", "1")):
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "t": {"S": t}, "n": {"N": n},
                                               "r": {"S": pk}})
        values = {":t": {"S": "x"}, ":n": {"N": "1"}}
        found = ddb.query(TableName=name, IndexName="gsi",
                          KeyConditionExpression="t = :t AND n = :n",
                          ExpressionAttributeValues=values)
        assert [i["pk"]["S"] for i in found["Items"]] == ["1", "4"]
        assert sorted(found["Items"][0]) == ["n", "pk", "r", "t"]  # keys-only keeps every key
        expect_error(ddb.query, VALIDATION, "Query condition missed key schema element: n",
                     TableName=name, IndexName="gsi", KeyConditionExpression="t = :t",
                     ExpressionAttributeValues={":t": {"S": "x"}})
        expect_error(ddb.query, VALIDATION, "One or more parameter values were invalid: "
                     "Condition parameter type does not match schema type",
                     TableName=name, IndexName="gsi", KeyConditionExpression="t = :t AND n = :n",
                     ExpressionAttributeValues={":t": {"S": "x"}, ":n": {"S": "1"}})
    finally:
        ddb.delete_table(TableName=name)


def test_sorted_by_each_attribute_in_turn(ddb: Any, unique: Callable[[str], str]) -> None:
    """Numbers compare as numbers and a shorter string before the strings it starts."""
    name = unique("multis")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=strings("pk", "h", "s") + [{"AttributeName": "n",
                                                         "AttributeType": "N"}],
        KeySchema=schema(["pk"], []),
        GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": schema(["h"], ["s", "n"]),
                                 "Projection": {"ProjectionType": "ALL"}}])
    rows = [("a", "10"), ("a", "9"), ("a", "-1"), ("ab", "0"), ("a\u0000", "0"), ("b", "0")]
    try:
        for number, (s, n) in enumerate(rows):
            ddb.put_item(TableName=name, Item={"pk": {"S": str(number)}, "h": {"S": "x"},
                                               "s": {"S": s}, "n": {"N": n}})
        found = ddb.query(TableName=name, IndexName="gsi", KeyConditionExpression="h = :h",
                          ExpressionAttributeValues={":h": {"S": "x"}})
        assert [(i["s"]["S"], i["n"]["N"]) for i in found["Items"]] == [
            ("a", "-1"), ("a", "9"), ("a", "10"), ("a\u0000", "0"), ("ab", "0"), ("b", "0")]
        under_ten = ddb.query(TableName=name, IndexName="gsi",
                              KeyConditionExpression="h = :h AND s = :s AND n < :n",
                              ExpressionAttributeValues={":h": {"S": "x"}, ":s": {"S": "a"},
                                                         ":n": {"N": "10"}})
        assert [i["n"]["N"] for i in under_ten["Items"]] == ["-1", "9"]
        after_a = ddb.query(TableName=name, IndexName="gsi",
                            KeyConditionExpression="h = :h AND s > :s",
                            ExpressionAttributeValues={":h": {"S": "x"}, ":s": {"S": "a"}})
        assert [i["s"]["S"] for i in after_a["Items"]] == ["a\u0000", "ab", "b"]
    finally:
        ddb.delete_table(TableName=name)


def test_writes_keep_the_index_and_the_stream(ddb: Any, streams: Any, multi_table: str) -> None:
    key = {"pk": {"S": "p6"}}
    ddb.update_item(TableName=multi_table, Key=key, UpdateExpression="SET c = :c",
                    ExpressionAttributeValues={":c": {"S": "a"}})
    assert pks(query(ddb, multi_table, "h = :h AND a = :a AND b = :b AND c = :c")) == [
        "p3", "p6", "p2"]
    ddb.delete_item(TableName=multi_table, Key={"pk": {"S": "p3"}})
    assert pks(query(ddb, multi_table, "h = :h AND a = :a AND b = :b AND c = :c")) == [
        "p6", "p2"]
    arn = ddb.describe_table(TableName=multi_table)["Table"]["LatestStreamArn"]
    events = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        events.extend((r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"])
                      for r in streams.get_records(ShardIterator=iterator)["Records"])
    assert ("MODIFY", "p6") in events and ("REMOVE", "p3") in events
    assert len(events) == len(ITEMS) + 2


def test_write_checks_every_key_attribute(ddb: Any, multi_table: str,
                                          expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.put_item, VALIDATION,
                 "One or more parameter values were invalid: Type mismatch for Index Key c "
                 "Expected: S Actual: N IndexName: gsi",
                 TableName=multi_table, Item={"pk": {"S": "z"}, "c": {"N": "1"}})


def test_update_table_creates_and_backfills(ddb: Any, unique: Callable[[str], str]) -> None:
    name = unique("multiu")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=strings("pk"), KeySchema=schema(["pk"], []))
    try:
        for pk, t, r in (("1", "x", "b"), ("2", "x", "a"), ("3", "y", "a")):
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "t": {"S": t}, "u": {"S": "u"},
                                               "r": {"S": r}, "q": {"S": "q"}})
        ddb.put_item(TableName=name, Item={"pk": {"S": "4"}, "t": {"S": "x"}})  # sparse
        ddb.update_table(TableName=name, AttributeDefinitions=strings("t", "u", "r", "q"),
                         GlobalSecondaryIndexUpdates=[{"Create": {
                             "IndexName": "gsi", "KeySchema": schema(["t", "u"], ["r", "q"]),
                             "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
        table = ddb.describe_table(TableName=name)["Table"]
        assert table["GlobalSecondaryIndexes"][0]["KeySchema"] == schema(["t", "u"], ["r", "q"])
        assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == 3
        found = ddb.query(TableName=name, IndexName="gsi",
                          KeyConditionExpression="t = :t AND u = :u",
                          ExpressionAttributeValues={":t": {"S": "x"}, ":u": {"S": "u"}})
        assert [i["pk"]["S"] for i in found["Items"]] == ["2", "1"]
    finally:
        ddb.delete_table(TableName=name)


def test_partiql_refuses_a_multi_attribute_index(ddb: Any, multi_table: str,
                                                 expect_error: Callable[..., Any]) -> None:
    expect_error(ddb.execute_statement, VALIDATION,
                 "PartiQL statements cannot be executed on tables with multi-attribute HASH keys "
                 "or multi-attribute RANGE keys.",
                 Statement=f"SELECT * FROM \"{multi_table}\".\"gsi\" WHERE h = 'o1'")
    rows = ddb.execute_statement(Statement=f"SELECT * FROM \"{multi_table}\" WHERE pk = 'p1'")
    assert len(rows["Items"]) == 1


def test_scan_pages_through_the_index(ddb: Any, multi_table: str) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = ddb.scan(TableName=multi_table, IndexName="gsi", Limit=2, **kwargs)
        seen.extend(pks(page))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert seen == ["p5", "p4", "p3", "p2", "p1"]
