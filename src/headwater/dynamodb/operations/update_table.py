"""UpdateTable: throughput, billing mode, deletion protection, SSE, table class and streams."""

from __future__ import annotations

import copy
from typing import Any

from headwater.dynamodb.context import RequestContext
from headwater.dynamodb.encryption import sse_description
from headwater.dynamodb.errors import ResourceNotFoundException, ValidationException
from headwater.dynamodb.index_updates import apply_index_updates, check_update_members
from headwater.dynamodb.operations.describe_table import table_description
from headwater.dynamodb.replicas.checks import check_consistency
from headwater.dynamodb.replicas.settings import replicate_index_updates
from headwater.dynamodb.replicas.updates import apply_replica_updates, show_statuses
from headwater.dynamodb.stream_specification import update_stream
from headwater.dynamodb.table import Table
from headwater.dynamodb.throughput import check_throughput, throughput_description

# Current AWS wording (ack-api-quirks DDB-TABLE-015, verified 2026-10-08).
NOTHING = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
    "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
    "OnDemandThroughput, WarmThroughput or TableClass is required"
)
NO_THROUGHPUT = (
    "One or more parameter values were invalid: ProvisionedThroughput must be specified when "
    "BillingMode is PROVISIONED"
)
UNSUPPORTED = ("GlobalTableWitnessUpdates",)
REPLICA_STREAM = ("One or more parameter values were invalid: Disabling Stream is not allowed for "
                  "a Global Table replica.")
CHANGES = ("GlobalSecondaryIndexUpdates", "ProvisionedThroughput", "BillingMode",
           "StreamSpecification", "SSESpecification", "DeletionProtectionEnabled", "TableClass",
           "OnDemandThroughput", "WarmThroughput")


def update_table(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable. Changes apply at once; the response shows UPDATING as AWS's does."""
    name = request["TableName"]
    for member in UNSUPPORTED:
        if request.get(member):
            raise ValidationException(f"Headwater does not support {member} yet")
    # An empty GlobalSecondaryIndexUpdates list counts as absent (DDB-TABLE-015).
    check_consistency(request)
    if request.get("ReplicaUpdates"):
        return _replica_updates(ctx, request)
    if not any(member in request and (member != "GlobalSecondaryIndexUpdates" or request[member])
               for member in CHANGES):
        raise ValidationException(NOTHING)
    check_update_members(request, CHANGES)
    # Even on a PROVISIONED table, BillingMode=PROVISIONED needs throughput (DDB-TABLE-057).
    if request.get("BillingMode") == "PROVISIONED" and "ProvisionedThroughput" not in request:
        raise ValidationException(NO_THROUGHPUT)
    table = ctx.runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    # AttributeDefinitions is read only by a GSI Create; with any other change it is ignored
    # (ack-api-quirks DDB-TABLE-162).
    original = copy.deepcopy(table.description)
    try:
        busy, index_status = _apply(ctx, table, request)
    except BaseException:
        table.description = original
        table.refresh()
        raise
    response = table_description(ctx, table)
    if busy:
        response["TableStatus"] = "UPDATING"
    for index in response.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in index_status:
            index["IndexStatus"] = index_status[index["IndexName"]]
    for name, status in index_status.items():
        if status == "DELETING":
            response.setdefault("GlobalSecondaryIndexes", []).append(
                {"IndexName": name, "IndexStatus": "DELETING"})
    return {"TableDescription": response}


def _replica_updates(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable with ReplicaUpdates (global tables, dynamodb/replicas/)."""
    name = request["TableName"]
    table = ctx.runtime.tables.find(ctx.account, ctx.region, name)
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    shown = apply_replica_updates(ctx.runtime, table, request, CHANGES)
    response = table_description(ctx, table)
    response["TableStatus"] = "UPDATING"
    show_statuses(response, shown)
    return {"TableDescription": response}


def _apply(ctx: RequestContext, table: Table, request: dict[str, Any]
           ) -> tuple[bool, dict[str, str]]:
    """Apply every change in one transaction; the caller restores the description on error."""
    description = table.description
    now = ctx.runtime.clock.now()
    index_status: dict[str, str] = {}
    with ctx.runtime.storage.transaction() as conn:
        busy = _update_capacity(table, request, now)
        if request.get("GlobalSecondaryIndexUpdates"):
            mode = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
            index_status = apply_index_updates(conn, table, request, mode)
            if table.replicated:
                replicate_index_updates(ctx.runtime, conn, table, request)
            busy = True
        if "StreamSpecification" in request:
            if table.replicated and not request["StreamSpecification"]["StreamEnabled"]:
                raise ValidationException(REPLICA_STREAM)
            update_stream(ctx.runtime, table, request["StreamSpecification"])
            busy = True
        if "DeletionProtectionEnabled" in request:
            description["DeletionProtectionEnabled"] = request["DeletionProtectionEnabled"]
        if "TableClass" in request:
            description["TableClassSummary"] = {"TableClass": request["TableClass"],
                                                "LastUpdateDateTime": now}
        sse = request.get("SSESpecification")
        if sse is not None:
            _update_sse(table, description, sse)
        ctx.runtime.tables.save(table)
    return busy, index_status


def _update_capacity(table: Table, request: dict[str, Any], now: float) -> bool:
    description = table.description
    current_mode = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    mode = request.get("BillingMode", current_mode)
    throughput = request.get("ProvisionedThroughput")
    if "BillingMode" not in request and throughput is None:
        return False
    if mode == "PROVISIONED" and throughput is None and current_mode == "PROVISIONED":
        return False
    check_throughput(mode, throughput)
    old = description["ProvisionedThroughput"]
    if throughput is not None and mode == current_mode == "PROVISIONED":
        _check_change(old, throughput)
    # The Last*DateTime stamps and the decrease count survive every change, billing switches
    # included (ack-api-quirks DDB-TABLE-058, DDB-TABLE-064).
    new = throughput_description(mode, throughput)
    for stamp in ("LastIncreaseDateTime", "LastDecreaseDateTime"):
        if stamp in old:
            new[stamp] = old[stamp]
    new["NumberOfDecreasesToday"] = old.get("NumberOfDecreasesToday", 0)
    if mode == "PROVISIONED" and throughput is not None:
        changes = [int(new[units]) - int(old[units])
                   for units in ("ReadCapacityUnits", "WriteCapacityUnits")]
        if any(change > 0 for change in changes):
            new["LastIncreaseDateTime"] = now
        if any(change < 0 for change in changes):
            new["LastDecreaseDateTime"] = now
            new["NumberOfDecreasesToday"] += 1
    description["ProvisionedThroughput"] = new
    if mode != current_mode or "BillingModeSummary" in description:
        summary: dict[str, Any] = dict(description.get("BillingModeSummary", {}),
                                       BillingMode=mode)
        if mode == "PAY_PER_REQUEST":
            summary["LastUpdateToPayPerRequestDateTime"] = now
        description["BillingModeSummary"] = summary
    return True


def _check_change(old: dict[str, Any], new: dict[str, Any]) -> None:
    if (old["ReadCapacityUnits"], old["WriteCapacityUnits"]) == (
        new["ReadCapacityUnits"], new["WriteCapacityUnits"]
    ):
        raise ValidationException(
            "The provisioned throughput for the table will not change. The requested value equals "
            "the current value. Current ReadCapacityUnits provisioned for the table: "
            f"{old['ReadCapacityUnits']}. Requested ReadCapacityUnits: {new['ReadCapacityUnits']}. "
            "Current WriteCapacityUnits provisioned for the table: "
            f"{old['WriteCapacityUnits']}. Requested WriteCapacityUnits: "
            f"{new['WriteCapacityUnits']}. Refer to the Amazon DynamoDB Developer Guide for "
            "current limits and how to request higher limits."
        )


def _update_sse(table: Table, description: dict[str, Any], sse: dict[str, Any]) -> None:
    if sse.get("Enabled", True):
        # The table's own region and account: a table ARN may name another (catalog.locate).
        description["SSEDescription"] = sse_description(table.region, table.account, sse)
    else:
        description.pop("SSEDescription", None)
