"""Global tables version 2019.11.21 replica lifecycle through UpdateTable ReplicaUpdates
(aws-facts §6; error texts from ack-api-quirks DDB-TABLE-203, -223, -265, -297, recorded
against AWS): create, describe, update overrides, delete, and the errors."""

from __future__ import annotations

from typing import Any

import pytest
from global_support import REGIONS, converged

EAST, WEST, EU = REGIONS
KEY = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
       "BillingMode": "PAY_PER_REQUEST"}
LOCAL = ("Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, "
         "DeleteTable, or UpdateTable as required.")


def create(ddb: Any, region: str, name: str) -> dict[str, Any]:
    response = ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": region}}])
    return dict(response["TableDescription"])


def test_create_replica_needs_no_table_or_stream_and_copies_items(regional, make_table):
    east, west = regional[EAST], regional[WEST]
    name = make_table()
    east.put_item(TableName=name, Item={"pk": {"S": "before"}, "n": {"N": "1"}})
    described = create(east, WEST, name)
    assert described["TableStatus"] == "UPDATING"
    assert described["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "CREATING"}]
    assert described["GlobalTableVersion"] == "2019.11.21"
    # The source's stream was turned on for replication.
    assert described["StreamSpecification"] == {"StreamEnabled": True,
                                                 "StreamViewType": "NEW_AND_OLD_IMAGES"}
    home = east.describe_table(TableName=name)["Table"]
    assert home["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "ACTIVE"}]
    replica = west.describe_table(TableName=name)["Table"]
    assert replica["Replicas"] == [{"RegionName": EAST, "ReplicaStatus": "ACTIVE"}]
    assert replica["GlobalTableVersion"] == "2019.11.21"
    assert replica["TableArn"] == f"arn:aws:dynamodb:{WEST}:000000000000:table/{name}"
    assert replica["TableId"] != home["TableId"]
    assert replica["KeySchema"] == home["KeySchema"]
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert replica["LatestStreamArn"] != home["LatestStreamArn"]
    assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"] == {
        "pk": {"S": "before"}, "n": {"N": "1"}}
    # The copy wrote no stream records in the new replica.
    west.delete_table(TableName=name)


def test_replica_copies_indexes_and_serves_index_queries(regional, global_table):
    east, west = regional[EAST], regional[WEST]
    name = global_table(
        (EAST,), AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    create(east, WEST, name)
    index = west.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexArn"].startswith(f"arn:aws:dynamodb:{WEST}:")
    assert index["ItemCount"] == 1
    found = west.query(TableName=name, IndexName="byG", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}})["Items"]
    assert found == [{"pk": {"S": "a"}, "g": {"S": "x"}}]
    west.delete_table(TableName=name)


def test_three_regions_list_each_other(regional, global_table):
    name = global_table(REGIONS)
    for region in REGIONS:
        listed = regional[region].describe_table(TableName=name)["Table"]["Replicas"]
        assert sorted(r["RegionName"] for r in listed) == sorted(set(REGIONS) - {region})
        assert {r["ReplicaStatus"] for r in listed} == {"ACTIVE"}


def test_a_replica_added_from_a_replica_gets_every_write(regional, global_table, replication):
    name = global_table()
    east, west, eu = (regional[r] for r in REGIONS)
    west.put_item(TableName=name, Item={"pk": {"S": "w"}})
    east.put_item(TableName=name, Item={"pk": {"S": "e"}})
    create(west, EU, name)  # the third replica is copied from the second
    try:
        state = converged(regional, name, REGIONS)
        assert set(state) == {"w", "e"}
    finally:
        eu.delete_table(TableName=name)


def test_delete_replica(regional, global_table):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    response = east.update_table(TableName=name,
                                 ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert response["TableDescription"]["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "DELETING"}]
    home = east.describe_table(TableName=name)["Table"]
    assert "Replicas" not in home and "GlobalTableVersion" not in home
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.describe_table(TableName=name)
    # A regional table again: its stream can be disabled.
    east.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})


def test_delete_table_on_a_replica_leaves_the_group(regional, global_table):
    name = global_table(REGIONS)
    regional[EU].delete_table(TableName=name)
    for region in (EAST, WEST):
        listed = regional[region].describe_table(TableName=name)["Table"]["Replicas"]
        assert [r["RegionName"] for r in listed] == [WEST if region == EAST else EAST]
    regional[EAST].put_item(TableName=name, Item={"pk": {"S": "after"}})
    assert set(converged(regional, name, (EAST, WEST))) == {"after"}


def test_update_replica_overrides(regional, make_table):
    east, west = regional[EAST], regional[WEST]
    name = make_table()
    create(east, WEST, name)
    east.update_table(TableName=name, ReplicaUpdates=[
        {"Update": {"RegionName": WEST, "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}])
    listed = east.describe_table(TableName=name)["Table"]["Replicas"]
    assert listed == [{"RegionName": WEST, "ReplicaStatus": "ACTIVE",
                       "ReplicaTableClassSummary": {"TableClass": "STANDARD_INFREQUENT_ACCESS"}}]
    replica = west.describe_table(TableName=name)["Table"]
    assert replica["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    west.delete_table(TableName=name)


def test_provisioned_override_on_create(regional, unique):
    east, west = regional[EAST], regional[WEST]
    name = unique("gt")
    east.create_table(TableName=name, KeySchema=KEY["KeySchema"],
                      AttributeDefinitions=KEY["AttributeDefinitions"],
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    try:
        east.update_table(TableName=name, ReplicaUpdates=[{"Create": {
            "RegionName": WEST, "ProvisionedThroughputOverride": {"ReadCapacityUnits": 9}}}])
        throughput = west.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
        assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (9, 5)
        entry = east.describe_table(TableName=name)["Table"]["Replicas"][0]
        assert entry["ProvisionedThroughputOverride"] == {"ReadCapacityUnits": 9}
    finally:
        west.delete_table(TableName=name)
        east.delete_table(TableName=name)


def test_index_read_capacity_override(regional, unique):
    east, west = regional[EAST], regional[WEST]
    name = unique("gt")
    capacity = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    east.create_table(
        TableName=name, KeySchema=KEY["KeySchema"], ProvisionedThroughput=capacity,
        AttributeDefinitions=[*KEY["AttributeDefinitions"],
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "ProvisionedThroughput": capacity,
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])

    def index_capacity(ddb: Any) -> tuple[int, int]:
        index = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
        throughput = index["ProvisionedThroughput"]
        return throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]

    try:
        east.update_table(TableName=name, ReplicaUpdates=[{"Create": {
            "RegionName": WEST, "GlobalSecondaryIndexes": [{
                "IndexName": "byG", "ProvisionedThroughputOverride": {"ReadCapacityUnits": 7}}]}}])
        assert index_capacity(west) == (7, 5)
        assert index_capacity(east) == (5, 5)
        east.update_table(TableName=name, ReplicaUpdates=[{"Update": {
            "RegionName": WEST, "GlobalSecondaryIndexes": [{
                "IndexName": "byG", "ProvisionedThroughputOverride": {"ReadCapacityUnits": 3}}]}}])
        assert index_capacity(west) == (3, 5)
        entry = east.describe_table(TableName=name)["Table"]["Replicas"][0]
        assert entry["GlobalSecondaryIndexes"] == [
            {"IndexName": "byG", "ProvisionedThroughputOverride": {"ReadCapacityUnits": 3}}]
    finally:
        west.delete_table(TableName=name)
        east.delete_table(TableName=name)


def test_local_region_is_refused(regional, make_table, invalid):
    name = make_table()
    for kind in ("Create", "Delete"):
        invalid(regional[EAST].update_table, LOCAL, TableName=name,
                ReplicaUpdates=[{kind: {"RegionName": EAST}}])


def test_existing_replica_or_table_is_refused(regional, make_table, global_table, invalid):
    name = global_table()
    message = (f"Failed to create a the new replica of table with name: \u2018{name}\u2019 "
               "because one or more replicas already existed as tables.")
    invalid(regional[EAST].update_table, message, TableName=name,
            ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    # A plain table of the same name in the target region is not adopted.
    other = make_table()
    regional[WEST].create_table(TableName=other, **KEY)
    try:
        message = message.replace(name, other)
        invalid(regional[EAST].update_table, message, TableName=other,
                ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    finally:
        regional[WEST].delete_table(TableName=other)


def test_unknown_region_is_refused(regional, make_table, expect_error):
    name = make_table()
    error = expect_error(regional[EAST].update_table, "ValidationException", TableName=name,
                         ReplicaUpdates=[{"Create": {"RegionName": "us-fake-1"}}])
    assert error["Error"]["Message"].startswith(
        "Region us-fake-1 is not supported. The latest version of global tables are only "
        "supported in the following regions: [")
    assert "us-west-2" in error["Error"]["Message"]


def test_malformed_replica_updates(regional, make_table, global_table, invalid):
    name = global_table()
    east = regional[EAST]
    invalid(east.update_table, "There are no actions specified in the Replica Update Action of "
            "the request.", TableName=name, ReplicaUpdates=[{"Update": {"RegionName": WEST}}])
    invalid(east.update_table, "There are no actions specified in the Replica Update Action of "
            "the request.", TableName=name, ReplicaUpdates=[{}])
    invalid(east.update_table, "Update table operation with more than one type of replica "
            "actions not allowed.", TableName=name,
            ReplicaUpdates=[{"Create": {"RegionName": EU}, "Delete": {"RegionName": WEST}}])
    invalid(east.update_table, "Update table operation with more than one create or delete "
            "replica actions not allowed", TableName=name,
            ReplicaUpdates=[{"Create": {"RegionName": EU}},
                            {"Create": {"RegionName": "ap-south-1"}}])
    invalid(east.update_table, "Update global table operation failed because one or more "
            "replicas were not part of the global table. Please retry the request without "
            "these replicas: [eu-west-1].", TableName=name,
            ReplicaUpdates=[{"Delete": {"RegionName": EU}}])
    invalid(east.update_table, "Update global table operation failed because one or more "
            "replicas were not part of the global table. Please retry the request without "
            "these replicas: [eu-west-1].", TableName=name,
            ReplicaUpdates=[{"Update": {"RegionName": EU, "TableClassOverride": "STANDARD"}}])
    # Nothing was created by the refused calls.
    with pytest.raises(regional[EU].exceptions.ResourceNotFoundException):
        regional[EU].describe_table(TableName=name)


def test_provisioned_override_update_on_pay_per_request(regional, global_table, invalid):
    name = global_table()
    invalid(regional[EAST].update_table, "Neither ReadCapacityUnits nor WriteCapacityUnits can "
            "be specified when BillingMode is PAY_PER_REQUEST", TableName=name,
            ReplicaUpdates=[{"Update": {"RegionName": WEST, "ProvisionedThroughputOverride": {
                "ReadCapacityUnits": 5}}}])


def test_protected_replica_is_not_deleted(regional, global_table, invalid):
    name = global_table()
    west = regional[WEST]
    west.update_table(TableName=name, DeletionProtectionEnabled=True)
    message = ("Resource cannot be deleted as it is currently protected against deletion. "
               "Disable deletion protection first.")
    invalid(regional[EAST].update_table, message, TableName=name,
            ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    invalid(west.delete_table, message, TableName=name)
    west.update_table(TableName=name, DeletionProtectionEnabled=False)


def test_stream_cannot_be_disabled_on_a_replica(regional, global_table, invalid):
    name = global_table()
    for region in (EAST, WEST):
        invalid(regional[region].update_table, "One or more parameter values were invalid: "
                "Disabling Stream is not allowed for a Global Table replica.", TableName=name,
                StreamSpecification={"StreamEnabled": False})


def test_multi_region_strong_consistency_is_refused(regional, make_table, invalid):
    name = make_table()
    invalid(regional[EAST].update_table, "Headwater does not support MultiRegionConsistency "
            "STRONG (multi-Region strong consistency); use EVENTUAL, the default",
            TableName=name, MultiRegionConsistency="STRONG",
            ReplicaUpdates=[{"Create": {"RegionName": WEST}},
                            {"Create": {"RegionName": EU}}])


def test_replica_updates_on_a_missing_table(regional, expect_error):
    expect_error(regional[EAST].update_table, "ResourceNotFoundException",
                 "Requested resource not found: Table: no-such-table not found",
                 TableName="no-such-table", ReplicaUpdates=[{"Create": {"RegionName": WEST}}])


def test_index_changes_reach_every_replica(regional, global_table):
    name = global_table()
    east, west = regional[EAST], regional[WEST]
    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    converged(regional, name, (EAST, WEST))
    west.update_table(TableName=name,  # issued at the replica's endpoint
                      AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexUpdates=[{"Create": {
                          "IndexName": "byG",
                          "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                          "Projection": {"ProjectionType": "ALL"}}}])
    for ddb in (east, west):
        found = ddb.query(TableName=name, IndexName="byG", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": "x"}})["Items"]
        assert found == [{"pk": {"S": "a"}, "g": {"S": "x"}}]
    east.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {
        "IndexName": "byG"}}])
    assert "GlobalSecondaryIndexes" not in west.describe_table(TableName=name)["Table"]
