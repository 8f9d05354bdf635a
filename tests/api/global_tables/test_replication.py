"""Replication between replicas (issue 14, item 2): puts, updates, deletes, TTL deletes and
transactions reach every other replica asynchronously, each replica's stream shows the
replicated writes (without AWS's legacy aws:rep:* attributes, which version 2019.11.21 no
longer adds), and replicated writes are not sent back (no echo)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import urllib3
from global_support import REGIONS, converged, stream_records
from server_support import client, wait_for

EAST, WEST, EU = REGIONS


def key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def test_put_update_delete_reach_the_other_replica(regional, global_table):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    west.put_item(TableName=name, Item={"pk": {"S": "b"}, "tags": {"SS": ["x"]}})
    # Each update is made where the item is, after its put arrived: an update that overtook the
    # replicated put would be a conflicting write, and the last writer wins (no merge).
    converged(regional, name, (EAST, WEST))
    east.update_item(TableName=name, Key=key("b"), UpdateExpression="ADD tags :t",
                     ExpressionAttributeValues={":t": {"SS": ["y"]}})
    west.update_item(TableName=name, Key=key("a"), UpdateExpression="SET n = n + :one",
                     ExpressionAttributeValues={":one": {"N": "1"}})
    state = converged(regional, name, (EAST, WEST))
    assert state["a"] == {"pk": {"S": "a"}, "n": {"N": "2"}}
    assert sorted(state["b"]["tags"]["SS"]) == ["x", "y"]
    west.delete_item(TableName=name, Key=key("a"))
    assert set(converged(regional, name, (EAST, WEST))) == {"b"}
    assert "aws:rep:updatetime" not in state["b"]


def test_transactions_and_batches_replicate(regional, global_table):
    name = global_table(REGIONS)
    east = regional[EAST]
    east.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t1"}}}},
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t2"}, "v": {"S": "x"}}}}])
    regional[EU].batch_write_item(RequestItems={name: [
        {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(20)]})
    state = converged(regional, name, REGIONS)
    assert {"t1", "t2"} | {f"b{i}" for i in range(20)} == set(state)


def test_replicated_writes_appear_in_the_replica_stream_and_do_not_echo(
        endpoint, regional, global_table, replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    east.update_item(TableName=name, Key=key("a"), UpdateExpression="SET v = :v",
                     ExpressionAttributeValues={":v": {"N": "2"}})
    east.delete_item(TableName=name, Key=key("a"))
    wait_for(lambda: replication.drained(name))  # so west's own write comes after them
    west.put_item(TableName=name, Item={"pk": {"S": "w"}})
    converged(regional, name, (EAST, WEST))
    wait_for(lambda: replication.drained(name))
    west_records = stream_records(endpoint, WEST, name)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in west_records] == [
        ("INSERT", "a"), ("MODIFY", "a"), ("REMOVE", "a"), ("INSERT", "w")]
    modify = west_records[1]
    assert modify["awsRegion"] == WEST
    assert modify["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert modify["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "2"}}
    assert "userIdentity" not in modify
    # No echo: east's stream holds its own three writes and the one from west, once each.
    east_records = stream_records(endpoint, EAST, name)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in east_records] == [
        ("INSERT", "a"), ("MODIFY", "a"), ("REMOVE", "a"), ("INSERT", "w")]
    for pair in replication.pairs(name):
        assert pair["applied"] == (3 if pair["source"] == EAST else 1)


def test_ttl_deletes_replicate(endpoint, regional, global_table, clock):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    east.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    # The setting is the group's.
    assert west.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    past = str(int(clock.now()) - 60)
    east.put_item(TableName=name, Item={"pk": {"S": "old"}, "expires": {"N": past}})
    east.put_item(TableName=name, Item={"pk": {"S": "keep"}})
    wait_for(lambda: set(converged(regional, name, (EAST, WEST))) == {"keep"}, timeout=10)
    removes = [r for r in stream_records(endpoint, EAST, name) if r["eventName"] == "REMOVE"]
    assert len(removes) == 1


@pytest.mark.local_only
def test_metrics_through_cloudwatch_and_prometheus(endpoint, regional, global_table,
                                                   replication, clock):
    name = global_table()
    regional[EAST].put_item(TableName=name, Item={"pk": {"S": "m"}})
    converged(regional, name, (EAST, WEST))
    wait_for(lambda: replication.drained(name))
    cloudwatch = client("cloudwatch", endpoint, region_name=EAST)
    listed = cloudwatch.list_metrics(Namespace="AWS/DynamoDB",
                                     Dimensions=[{"Name": "TableName", "Value": name}])["Metrics"]
    names = {(m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])))
             for m in listed}
    dimensions = (("ReceivingRegion", WEST), ("TableName", name))
    assert ("ReplicationLatency", dimensions) in names
    assert ("PendingReplicationCount", dimensions) in names
    now = clock.now()
    stats = cloudwatch.get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName="ReplicationLatency",
        Dimensions=[{"Name": "TableName", "Value": name},
                    {"Name": "ReceivingRegion", "Value": WEST}],
        StartTime=datetime.datetime.fromtimestamp(now - 600, datetime.UTC),
        EndTime=datetime.datetime.fromtimestamp(now + 60, datetime.UTC), Period=60,
        Statistics=["SampleCount", "Maximum"])["Datapoints"]
    assert sum(p["SampleCount"] for p in stats) >= 1
    exposition = urllib3.PoolManager().request("GET", f"{endpoint}/metrics").data.decode()
    assert (f'headwater_replication_latency_milliseconds_count{{receiving_region="{WEST}",'
            f'source_region="{EAST}",table="{name}"}} 1.0') in exposition


def test_replica_records_are_the_replicas_own(endpoint, regional, global_table, replication):
    name = global_table()
    east = regional[EAST]

    def same_sizes() -> int:
        converged(regional, name, (EAST, WEST))
        wait_for(lambda: replication.drained(name))
        sizes = [regional[r].describe_table(TableName=name)["Table"]["TableSizeBytes"]
                 for r in (EAST, WEST)]
        assert sizes[0] == sizes[1]
        return int(sizes[0])

    east.put_item(TableName=name, Item={"pk": {"S": "r"}, "v": {"N": "1"},
                                         "data": {"S": "x" * 500}, "tags": {"SS": ["a"]}})
    assert same_sizes() > 500
    east.update_item(TableName=name, Key=key("r"), UpdateExpression="SET v = :v, w = :v",
                     ExpressionAttributeValues={":v": {"N": "2"}})
    assert same_sizes() > 500
    east_records = stream_records(endpoint, EAST, name)
    west_records = stream_records(endpoint, WEST, name)
    assert len(east_records) == len(west_records) == 2
    for mine, theirs in zip(west_records, east_records, strict=True):
        assert mine["awsRegion"] == WEST and theirs["awsRegion"] == EAST
        assert mine["eventID"] != theirs["eventID"]
        assert mine["eventName"] == theirs["eventName"]
        body, source = dict(mine["dynamodb"]), dict(theirs["dynamodb"])
        assert body.pop("SequenceNumber") != source.pop("SequenceNumber")
        assert body.pop("ApproximateCreationDateTime") >= source.pop(
            "ApproximateCreationDateTime")
        assert body == source  # keys, images, SizeBytes, view type
    assert int(west_records[0]["dynamodb"]["SequenceNumber"]) < int(
        west_records[1]["dynamodb"]["SequenceNumber"])


@pytest.mark.local_only
def test_a_replica_holding_another_version_records_its_own_old_image(
        endpoint, regional, global_table, replication):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    replication.set(paused=True)
    try:
        west.put_item(TableName=name, Item={"pk": {"S": "c"}, "v": {"S": "west"}})
        east.put_item(TableName=name, Item={"pk": {"S": "c"}, "v": {"S": "east"}})
    finally:
        replication.set(paused=False)
    assert converged(regional, name, (EAST, WEST))["c"]["v"] == {"S": "east"}
    wait_for(lambda: replication.drained(name))
    west_records = stream_records(endpoint, WEST, name)
    assert [r["eventName"] for r in west_records] == ["INSERT", "MODIFY"]
    modify = west_records[1]["dynamodb"]
    assert modify["OldImage"] == {"pk": {"S": "c"}, "v": {"S": "west"}}
    assert modify["NewImage"] == {"pk": {"S": "c"}, "v": {"S": "east"}}
    assert modify["SizeBytes"] == 3 + 8 + 8  # keys, new and old images
    # East's later write won; west's lost there and left no record.
    assert [r["eventName"] for r in stream_records(endpoint, EAST, name)] == ["INSERT"]
    sizes = [regional[r].describe_table(TableName=name)["Table"]["TableSizeBytes"]
             for r in (EAST, WEST)]
    assert sizes == [8, 8]
