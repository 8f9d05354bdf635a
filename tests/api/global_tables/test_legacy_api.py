"""The global tables version 2017.11.29 (Legacy) API as AWS answers it today (aws-facts §6):
CreateGlobalTable is refused, the others find no global table (a 2019.11.21 global table's name
included), ListGlobalTables lists none."""

from __future__ import annotations

import pytest
from global_support import REGIONS

EAST, WEST, _ = REGIONS
NOT_SUPPORTED = ("DynamoDB global tables version 2017.11.29 is not supported. We recommend using "
                 "DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 "
                 "(Legacy).")


def test_create_global_table_is_refused(regional, make_table, invalid):
    name = make_table()
    invalid(regional[EAST].create_global_table, NOT_SUPPORTED, GlobalTableName=name,
            ReplicationGroup=[{"RegionName": EAST}, {"RegionName": WEST}])


@pytest.mark.parametrize("operation, extra", [
    ("describe_global_table", {}),
    ("describe_global_table_settings", {}),
    ("update_global_table", {"ReplicaUpdates": [{"Create": {"RegionName": WEST}}]}),
    ("update_global_table_settings", {"GlobalTableProvisionedWriteCapacityUnits": 5}),
])
def test_other_operations_find_no_global_table(regional, global_table, expect_error,
                                               operation, extra):
    name = global_table()  # a 2019.11.21 global table is not a legacy one
    expect_error(getattr(regional[EAST], operation), "GlobalTableNotFoundException",
                 f"Global table with name '{name}' does not exist.", GlobalTableName=name,
                 **extra)


def test_list_global_tables_is_empty(regional, global_table):
    global_table()
    assert regional[EAST].list_global_tables()["GlobalTables"] == []


def test_replica_auto_scaling_is_accepted_and_described(regional, unique):
    east, west = regional[EAST], regional[WEST]
    name = unique("gt")
    east.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    try:
        east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
        update = {"MinimumUnits": 5, "MaximumUnits": 50, "ScalingPolicyUpdate": {
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}
        east.update_table_replica_auto_scaling(
            TableName=name, ProvisionedWriteCapacityAutoScalingUpdate=update,
            ReplicaUpdates=[{"RegionName": WEST, "ReplicaProvisionedReadCapacityAutoScalingUpdate": {
                "MinimumUnits": 1, "MaximumUnits": 10}}])
        described = west.describe_table_replica_auto_scaling(TableName=name)
        replicas = {r["RegionName"]: r for r in described["TableAutoScalingDescription"]["Replicas"]}
        assert set(replicas) == {EAST, WEST}
        write = replicas[EAST]["ReplicaProvisionedWriteCapacityAutoScalingSettings"]
        assert (write["MinimumUnits"], write["MaximumUnits"]) == (5, 50)
        assert write["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"] == {
            "TargetValue": 70.0}
        read = replicas[WEST]["ReplicaProvisionedReadCapacityAutoScalingSettings"]
        assert (read["MinimumUnits"], read["MaximumUnits"]) == (1, 10)
    finally:
        west.delete_table(TableName=name)
        east.delete_table(TableName=name)


def test_replica_auto_scaling_needs_a_global_table(regional, make_table, expect_error):
    name = make_table()
    expect_error(regional[EAST].update_table_replica_auto_scaling, "ResourceNotFoundException",
                 f"Global table with name: '{name}' does not exist.", TableName=name,
                 ProvisionedWriteCapacityAutoScalingUpdate={"AutoScalingDisabled": True})
