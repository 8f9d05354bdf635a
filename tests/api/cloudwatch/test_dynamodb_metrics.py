"""AWS/DynamoDB request metrics (developer guide "DynamoDB metrics and dimensions"), each
checked against the work done: N writes of a size are N times its write units, reads are
4 KB units (half for eventually consistent), GSI writes are charged to the index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from server_support import wait_for

NS = "AWS/DynamoDB"


def test_writes_consume_write_units_of_their_size(
        ddb: Any, make_table: Callable[..., str], stats: Callable[..., dict[str, Any]]) -> None:
    table = make_table()
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}})
    for i in range(3):  # 2.5 KB items: 3 write units each
        ddb.put_item(TableName=table, Item={"pk": {"S": f"big{i}"}, "v": {"S": "x" * 2500}})
    written = stats(NS, "ConsumedWriteCapacityUnits", {"TableName": table})
    assert written["Sum"] == 5 * 1 + 3 * 3
    assert written["SampleCount"] == 8
    assert written["Maximum"] == 3 and written["Minimum"] == 1
    assert written["Unit"] == "Count"
    latency = stats(NS, "SuccessfulRequestLatency", {"TableName": table, "Operation": "PutItem"})
    assert latency["SampleCount"] == 8 and latency["Unit"] == "Milliseconds"
    assert latency["Minimum"] > 0


def test_an_overwrite_consumes_the_larger_items_units(
        ddb: Any, make_table: Callable[..., str], stats: Callable[..., dict[str, Any]]) -> None:
    # A table without stream or index, and no ReturnConsumedCapacity: the metric still charges
    # max(old, new) (developer guide "Write capacity unit consumption"), so the old row's size
    # is read even when nothing else needs it; and again after an insert made PutItem guess
    # that the next write inserts too.
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "first"}})  # an insert: 1 unit
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "x" * 2500}})  # 3 units
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})  # small over big: still 3
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})  # small over small: 1
    written = stats(NS, "ConsumedWriteCapacityUnits", {"TableName": table})
    assert written["Sum"] == 1 + 3 + 3 + 1
    assert written["SampleCount"] == 4


def test_reads_consume_read_units_and_queries_return_items(
        ddb: Any, make_table: Callable[..., str], stats: Callable[..., dict[str, Any]]) -> None:
    table = make_table(range_key="sk")
    for i in range(4):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": f"{i}"}})
    ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "0"}}, ConsistentRead=True)
    ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "1"}})
    answer = ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                       ExpressionAttributeValues={":p": {"S": "a"}})
    assert "ConsumedCapacity" not in answer  # recorded, not shown to a caller who did not ask
    read = stats(NS, "ConsumedReadCapacityUnits", {"TableName": table})
    assert read["Sum"] == 1 + 0.5 + 0.5
    returned = stats(NS, "ReturnedItemCount", {"TableName": table, "Operation": "Query"})
    assert returned["Sum"] == 4
    assert stats(NS, "SuccessfulRequestLatency",
                 {"TableName": table, "Operation": "GetItem"})["SampleCount"] == 2


def test_capacity_shown_as_the_caller_asked(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    total = ddb.put_item(TableName=table, Item={"pk": {"S": "k"}},
                         ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert total == {"TableName": table, "CapacityUnits": 1.0}
    assert "ConsumedCapacity" not in ddb.put_item(TableName=table, Item={"pk": {"S": "k"}},
                                                  ReturnConsumedCapacity="NONE")


def test_global_index_writes_are_charged_to_the_index(
        ddb: Any, unique: Callable[[str], str], stats: Callable[..., dict[str, Any]]) -> None:
    table = unique("gsi")
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    for i in range(3):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "g": {"S": "x"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "no-g"}})
    assert stats(NS, "ConsumedWriteCapacityUnits", {"TableName": table})["Sum"] == 4
    assert stats(NS, "ConsumedWriteCapacityUnits",
                 {"TableName": table, "GlobalSecondaryIndexName": "by-g"})["Sum"] == 3
    ddb.delete_table(TableName=table)


def test_errors_by_kind(ddb: Any, make_table: Callable[..., str],
                        stats: Callable[..., dict[str, Any]]) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})
    before = stats(NS, "UserErrors", {}).get("Sum", 0)
    for _ in range(2):
        with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(TableName=table, Item={"pk": {"S": "k"}},
                         ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.get_item(TableName=table + "-missing", Key={"pk": {"S": "k"}})
    assert stats(NS, "ConditionalCheckFailedRequests", {"TableName": table})["Sum"] == 2
    # A failed condition is not a user error; a missing table is (account-wide, no dimensions).
    assert stats(NS, "UserErrors", {})["Sum"] == before + 1
    # Failed requests have no latency.
    assert stats(NS, "SuccessfulRequestLatency",
                 {"TableName": table, "Operation": "PutItem"})["SampleCount"] == 1


def test_listed_with_their_dimensions(ddb: Any, make_table: Callable[..., str],
                                      cloudwatch: Any) -> None:
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}})
    found = cloudwatch.list_metrics(Namespace=NS, Dimensions=[{"Name": "TableName",
                                                               "Value": table}])["Metrics"]
    listed = {(m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"]))
              for m in found}
    assert ("ConsumedWriteCapacityUnits", (("TableName", table),)) in listed
    assert ("SuccessfulRequestLatency", (("Operation", "PutItem"), ("TableName", table))) in listed


def test_provisioned_capacity_is_sampled_each_minute(
        ddb: Any, unique: Callable[[str], str], make_table: Callable[..., str], clock: Any,
        stats: Callable[..., dict[str, Any]]) -> None:
    on_demand = make_table()
    table = unique("prov")
    ddb.create_table(
        TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"},
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 2,
                                                           "WriteCapacityUnits": 1}}])
    clock.advance(61)
    gsi = {"TableName": table, "GlobalSecondaryIndexName": "by-g"}
    wait_for(lambda: stats(NS, "ProvisionedWriteCapacityUnits", gsi))
    assert stats(NS, "ProvisionedReadCapacityUnits", {"TableName": table})["Maximum"] == 7
    assert stats(NS, "ProvisionedWriteCapacityUnits", {"TableName": table})["Maximum"] == 3
    assert stats(NS, "ProvisionedReadCapacityUnits", gsi)["Maximum"] == 2
    assert stats(NS, "ProvisionedWriteCapacityUnits", gsi)["Maximum"] == 1
    # Sampled in the same pass: on-demand tables report none, as on AWS.
    assert stats(NS, "ProvisionedReadCapacityUnits", {"TableName": on_demand}) == {}
    ddb.delete_table(TableName=table)
