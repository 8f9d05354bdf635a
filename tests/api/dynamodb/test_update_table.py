"""UpdateTable: throughput, billing mode and deletion protection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PROVISIONED = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
NOTHING = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
    "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
    "OnDemandThroughput, WarmThroughput or TableClass is required")
NO_THROUGHPUT = ("One or more parameter values were invalid: ProvisionedThroughput must be "
                 "specified when BillingMode is PROVISIONED")


@pytest.fixture
def provisioned(ddb: Any, unique: Callable[[str], str]) -> Any:
    name = unique("ut")
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     ProvisionedThroughput=PROVISIONED)
    yield name
    try:
        ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
        ddb.delete_table(TableName=name)
    except ddb.exceptions.ResourceNotFoundException:
        pass


def test_raise_throughput(ddb: Any, provisioned: str) -> None:
    table = ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": 5, "WriteCapacityUnits": 2})["TableDescription"]
    assert table["TableStatus"] == "UPDATING"
    throughput = table["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (5, 2)
    assert "LastIncreaseDateTime" in throughput
    described = ddb.describe_table(TableName=provisioned)["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert described["TableStatus"] == "ACTIVE"


def test_lower_throughput_counts_decreases(ddb: Any, provisioned: str) -> None:
    ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    table = ddb.update_table(TableName=provisioned, ProvisionedThroughput=PROVISIONED)
    throughput = table["TableDescription"]["ProvisionedThroughput"]
    assert throughput["NumberOfDecreasesToday"] == 1
    assert "LastDecreaseDateTime" in throughput


def test_same_throughput_is_rejected(ddb: Any, provisioned: str, invalid: Any) -> None:
    invalid(ddb.update_table,
            "The provisioned throughput for the table will not change. The requested value "
            "equals the current value. Current ReadCapacityUnits provisioned for the table: 1. "
            "Requested ReadCapacityUnits: 1. Current WriteCapacityUnits provisioned for the "
            "table: 1. Requested WriteCapacityUnits: 1. Refer to the Amazon DynamoDB Developer "
            "Guide for current limits and how to request higher limits.",
            TableName=provisioned, ProvisionedThroughput=PROVISIONED)


def test_throughput_out_of_bounds(ddb: Any, provisioned: str, invalid: Any) -> None:
    invalid(ddb.update_table, "Given value 1000000000001 for ReadCapacityUnits is out of bounds",
            TableName=provisioned, ProvisionedThroughput={
                "ReadCapacityUnits": 1000000000001, "WriteCapacityUnits": 1})


def test_switch_to_on_demand_and_back(ddb: Any, provisioned: str) -> None:
    table = ddb.update_table(TableName=provisioned, BillingMode="PAY_PER_REQUEST")
    summary = table["TableDescription"]["BillingModeSummary"]
    assert summary["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in summary
    back = ddb.update_table(TableName=provisioned, BillingMode="PROVISIONED",
                            ProvisionedThroughput={"ReadCapacityUnits": 3,
                                                   "WriteCapacityUnits": 4})
    described = back["TableDescription"]
    assert described["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 3


def test_on_demand_table_rejects_throughput(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_table,
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
            TableName=table, ProvisionedThroughput=PROVISIONED)


def test_nothing_to_update(ddb: Any, table: str, invalid: Any) -> None:
    invalid(ddb.update_table, NOTHING, TableName=table)
    invalid(ddb.update_table, NOTHING, TableName=table, GlobalSecondaryIndexUpdates=[])


def test_update_missing_table(ddb: Any, expect_error: Any) -> None:
    expect_error(ddb.update_table, "ResourceNotFoundException",
                 "Requested resource not found: Table: nothere not found",
                 TableName="nothere", DeletionProtectionEnabled=True)


def test_deletion_protection_blocks_delete_until_disabled(ddb: Any, provisioned: str,
                                                          invalid: Any) -> None:
    table = ddb.update_table(TableName=provisioned, DeletionProtectionEnabled=True)
    assert table["TableDescription"]["DeletionProtectionEnabled"] is True
    assert ddb.describe_table(TableName=provisioned)["Table"]["DeletionProtectionEnabled"]
    invalid(ddb.delete_table,
            "Resource cannot be deleted as it is currently protected against deletion. Disable "
            "deletion protection first.", TableName=provisioned)
    ddb.update_table(TableName=provisioned, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=provisioned)


def test_enable_sse_on_update(ddb: Any, table: str) -> None:
    described = ddb.update_table(TableName=table, SSESpecification={"Enabled": True})
    assert described["TableDescription"]["SSEDescription"]["Status"] == "ENABLED"


def test_enable_and_disable_stream(ddb: Any, table: str) -> None:
    enabled = ddb.update_table(TableName=table, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    assert enabled["StreamSpecification"] == {"StreamEnabled": True,
                                              "StreamViewType": "KEYS_ONLY"}
    arn = enabled["LatestStreamArn"]
    assert arn == ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    ddb.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
    described = ddb.describe_table(TableName=table)["Table"]
    assert "StreamSpecification" not in described
    assert described["LatestStreamArn"] == arn


@pytest.mark.parametrize(("spec", "message"), [
    ({"StreamEnabled": True},
     "One or more parameter values were invalid: If stream is being enabled then "
     "UpdateViewType is required"),
    ({"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
     "One or more parameter values were invalid: If stream is being disabled, then "
     "UpdateViewType must not be specified"),
    ({"StreamEnabled": False}, "Table has no stream to disable: TableName: {table}"),
])
def test_stream_specification_errors(ddb: Any, table: str, invalid: Any, spec: dict[str, Any],
                                     message: str) -> None:
    invalid(ddb.update_table, message.format(table=table), TableName=table,
            StreamSpecification=spec)


def test_enabling_an_enabled_stream(ddb: Any, table: str, invalid: Any) -> None:
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ddb.update_table(TableName=table, StreamSpecification=spec)
    invalid(ddb.update_table, f"Table already has an enabled stream: TableName: {table}",
            TableName=table, StreamSpecification={**spec, "StreamViewType": "OLD_IMAGE"})


def test_table_class_is_described(ddb: Any, table: str) -> None:
    described = ddb.update_table(TableName=table, TableClass="STANDARD_INFREQUENT_ACCESS")
    summary = described["TableDescription"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_provisioned_mode_alone_needs_throughput(ddb: Any, provisioned: str, table: str,
                                                 invalid: Any) -> None:
    invalid(ddb.update_table, NO_THROUGHPUT, TableName=provisioned, BillingMode="PROVISIONED")
    invalid(ddb.update_table, NO_THROUGHPUT, TableName=table, BillingMode="PROVISIONED")


def test_provisioned_mode_with_same_throughput_will_not_change(ddb: Any, provisioned: str,
                                                               invalid: Any) -> None:
    response = invalid(ddb.update_table, None, TableName=provisioned, BillingMode="PROVISIONED",
                       ProvisionedThroughput=PROVISIONED)
    assert response["Error"]["Message"].startswith(
        "The provisioned throughput for the table will not change.")


def test_on_demand_mode_can_be_resent(ddb: Any, table: str) -> None:
    described = ddb.update_table(TableName=table, BillingMode="PAY_PER_REQUEST")
    assert described["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_throughput_history_survives_changes(ddb: Any, provisioned: str) -> None:
    ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": 3, "WriteCapacityUnits": 3})
    lowered = ddb.update_table(TableName=provisioned, ProvisionedThroughput=PROVISIONED)
    throughput = lowered["TableDescription"]["ProvisionedThroughput"]
    assert {"LastIncreaseDateTime", "LastDecreaseDateTime"} <= set(throughput)
    assert throughput["NumberOfDecreasesToday"] == 1
    raised = ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": 2, "WriteCapacityUnits": 1})["TableDescription"]
    assert raised["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1
    assert raised["ProvisionedThroughput"]["LastDecreaseDateTime"] == \
        throughput["LastDecreaseDateTime"]
    on_demand = ddb.update_table(TableName=provisioned, BillingMode="PAY_PER_REQUEST")
    kept = on_demand["TableDescription"]["ProvisionedThroughput"]
    assert (kept["ReadCapacityUnits"], kept["WriteCapacityUnits"]) == (0, 0)
    assert "LastIncreaseDateTime" in kept


def test_switching_back_keeps_on_demand_timestamp(ddb: Any, table: str) -> None:
    stamp = ddb.describe_table(TableName=table)["Table"]["BillingModeSummary"][
        "LastUpdateToPayPerRequestDateTime"]
    back = ddb.update_table(TableName=table, BillingMode="PROVISIONED",
                            ProvisionedThroughput=PROVISIONED)["TableDescription"]
    assert back["BillingModeSummary"] == {"BillingMode": "PROVISIONED",
                                          "LastUpdateToPayPerRequestDateTime": stamp}


def test_request_checked_before_the_table(ddb: Any, invalid: Callable[..., Any]) -> None:
    # AttributeDefinitions beside a non-index change is ignored (ack-api-quirks DDB-TABLE-162),
    # so the precedence is shown with a check that does fail on its own.
    invalid(ddb.update_table, "One or more parameter values were invalid: ProvisionedThroughput "
            "must be specified when BillingMode is PROVISIONED",
            TableName="no-such-table", BillingMode="PROVISIONED",
            AttributeDefinitions=[{"AttributeName": "x", "AttributeType": "S"}])
