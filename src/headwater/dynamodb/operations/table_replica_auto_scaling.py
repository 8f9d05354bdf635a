"""DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling: the settings are accepted,
kept on every replica of the group and described; Headwater has no Application Auto Scaling, so
nothing scales. An update needs a global table and PROVISIONED capacity (ack-api-quirks
DDB-TABLE-249 and the UpdateTableReplicaAutoScaling texts, recorded against AWS)."""

from __future__ import annotations

import copy
from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.errors import ResourceNotFoundException, ValidationException
from headwater.dynamodb.replicas.group import peers
from headwater.dynamodb.table import Table


def describe_table_replica_auto_scaling(ctx: RequestContext, request: dict[str, Any]
                                        ) -> dict[str, Any]:
    table = _table(ctx, request["TableName"])
    return {"TableAutoScalingDescription": _description(table)}


def update_table_replica_auto_scaling(ctx: RequestContext, request: dict[str, Any]
                                      ) -> dict[str, Any]:
    name = request["TableName"]
    table = _table(ctx, name)
    if not table.replicated:
        raise ResourceNotFoundException(f"Global table with name: '{name}' does not exist.")
    mode = table.description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    settings = copy.deepcopy(table.autoscaling)
    write = request.get("ProvisionedWriteCapacityAutoScalingUpdate")
    if write is not None:
        settings["Write"] = _settings(write)
    for update in request.get("ReplicaUpdates", []):
        read = update.get("ReplicaProvisionedReadCapacityAutoScalingUpdate")
        if read is not None:
            settings.setdefault("Read", {})[update["RegionName"]] = _settings(read)
    enabling = [s for s in [settings.get("Write"), *settings.get("Read", {}).values()]
                if s and not s.get("AutoScalingDisabled")]
    if mode == "PAY_PER_REQUEST" and enabling:
        regions = "', '".join([table.region, *table.replica_regions])
        raise ValidationException(
            f"Failed to update global table with name \u2018{name}\u2018. Replicas '{regions}' "
            "BillingMode is PayPerRequest. You must convert table's BillingMode to PROVISIONED "
            "to set parameters: 'MinimumUnits, MaximumUnits'.")
    with ctx.runtime.storage.transaction():
        for member in (table, *peers(ctx.runtime, table)):
            member.autoscaling = copy.deepcopy(settings)
            ctx.runtime.tables.save(member)
    return {"TableAutoScalingDescription": _description(table)}


def _table(ctx: RequestContext, name: str) -> Table:
    table = ctx.runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    return table


def _settings(update: dict[str, Any]) -> dict[str, Any]:
    described: dict[str, Any] = {key: update[key] for key in ("MinimumUnits", "MaximumUnits",
                                              "AutoScalingDisabled", "AutoScalingRoleArn")
                 if key in update}
    policy = update.get("ScalingPolicyUpdate")
    if policy is not None:
        described["ScalingPolicies"] = [{
            "PolicyName": policy.get("PolicyName", "DynamoDBWriteCapacityUtilization"),
            "TargetTrackingScalingPolicyConfiguration":
                policy["TargetTrackingScalingPolicyConfiguration"]}]
    return described


def _description(table: Table) -> dict[str, Any]:
    replicas = []
    for region in (table.region, *table.replica_regions):
        replica: dict[str, Any] = {"RegionName": region, "GlobalSecondaryIndexes": [],
                                   "ReplicaStatus": "ACTIVE"}
        if table.autoscaling.get("Write"):
            replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = (
                table.autoscaling["Write"])
        read = table.autoscaling.get("Read", {}).get(region)
        if read:
            replica["ReplicaProvisionedReadCapacityAutoScalingSettings"] = read
        replicas.append(replica)
    return {"TableName": table.name, "TableStatus": table.status, "Replicas": replicas}
