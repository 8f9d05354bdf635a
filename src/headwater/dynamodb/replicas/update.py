"""ReplicaUpdates Update: a replica's per-region overrides (provisioned read capacity, GSI
overrides, table class), recorded in every member's Replicas entry for it and applied to the
replica table itself."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.replicas import group

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

PAY_PER_REQUEST = ("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                   "BillingMode is PAY_PER_REQUEST")


def update_replica(runtime: DynamoDbServices, table: Table, spec: dict[str, Any]) -> None:
    region = spec["RegionName"]
    replica = group.entry(table, region)
    mode = table.description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    if spec.get("ProvisionedThroughputOverride") and mode == "PAY_PER_REQUEST":
        raise ValidationException(PAY_PER_REQUEST)
    for field in ("ProvisionedThroughputOverride", "OnDemandThroughputOverride",
                  "GlobalSecondaryIndexes", "KMSMasterKeyId"):
        if spec.get(field) is not None:
            replica[field] = copy.deepcopy(spec[field])
    if spec.get("TableClassOverride"):
        replica["ReplicaTableClassSummary"] = {"TableClass": spec["TableClassOverride"]}
    target = runtime.tables.find(table.account, region, table.name)
    with runtime.storage.transaction():
        for member in (table, *group.peers(runtime, table)):
            if member.region != region:
                group.replace(member, dict(replica))
                runtime.tables.save(member)
        if target is not None:
            apply_overrides(target.description, spec)
            runtime.tables.save(target)


def apply_overrides(description: dict[str, Any], spec: dict[str, Any]) -> None:
    """A replica's overrides on its own table description: its read capacity, each named
    GSI's read capacity (write capacity is the group's) and its table class."""
    override = spec.get("ProvisionedThroughputOverride") or {}
    if "ReadCapacityUnits" in override and "ProvisionedThroughput" in description:
        description["ProvisionedThroughput"]["ReadCapacityUnits"] = override["ReadCapacityUnits"]
    indexes = {index["IndexName"]: index for index in description.get(
        "GlobalSecondaryIndexes", [])}
    for index_override in spec.get("GlobalSecondaryIndexes") or []:
        index = indexes.get(index_override.get("IndexName"))
        throughput = (index_override.get("ProvisionedThroughputOverride") or {})
        if index is not None and "ReadCapacityUnits" in throughput and (
                "ProvisionedThroughput" in index):
            index["ProvisionedThroughput"]["ReadCapacityUnits"] = throughput["ReadCapacityUnits"]
    if spec.get("TableClassOverride"):
        description["TableClassSummary"] = {"TableClass": spec["TableClassOverride"]}
