"""ReplicaUpdates Create: a new replica table in another region, with the source's key schema,
indexes, stream and TTL setting, a copy of its items (and their versions), and replication
positions, all in one transaction (aws-facts §6: no table and no stream need exist first; the
source's stream is turned on as NEW_AND_OLD_IMAGES when it has none)."""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from headwater.core.arns import table_arn
from headwater.dynamodb import item_store, item_versions, items
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.replicas import group
from headwater.dynamodb.replicas.regions import check_region
from headwater.dynamodb.replicas.update import apply_overrides
from headwater.dynamodb.stream_specification import update_stream

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

VIEW_TYPE = "NEW_AND_OLD_IMAGES"
# What a replica does not inherit from the table it is copied from.
REGIONAL = ("LatestStreamArn", "LatestStreamLabel", "StreamSpecification", "Replicas",
            "GlobalTableVersion", "DeletionProtectionEnabled")


def create_replica(runtime: DynamoDbServices, table: Table, spec: dict[str, Any]) -> None:
    region = spec["RegionName"]
    check_region(region)
    if (region in table.replica_regions
            or runtime.tables.find(table.account, region, table.name) is not None):
        raise ValidationException(group.ALREADY.format(table.name))
    members = group.peers(runtime, table)
    replica = _entry(table, spec)
    with runtime.storage.transaction() as conn:
        if table.stream_view_type is None:
            update_stream(runtime, table, {"StreamEnabled": True, "StreamViewType": VIEW_TYPE})
        new = runtime.tables.add(table.account, region, table.name,
                                 _description(runtime, table, region, spec), {})
        new.ttl = dict(table.ttl)
        for hk, rk, item, size in item_store.scan_all(conn, table.id):
            items.write(runtime, conn, new, (hk, rk), None, item, size=size)
        item_versions.copy_table(conn, table.id, new.id)
        for member in (table, *members):
            group.join(new, _plain_entry(member))
        group.join(table, replica)
        for member in members:
            group.join(member, dict(replica))
        view_type = table.stream_view_type or VIEW_TYPE
        update_stream(runtime, new, {"StreamEnabled": True, "StreamViewType": view_type})
        for member in (table, *members):
            runtime.tables.save(member)
        runtime.replica_links.link(conn, new, table, members)


def _entry(table: Table, spec: dict[str, Any]) -> dict[str, Any]:
    """The Replicas entry the members list for the new replica: its status and overrides."""
    replica: dict[str, Any] = {"RegionName": spec["RegionName"], "ReplicaStatus": "ACTIVE"}
    for member in ("ProvisionedThroughputOverride", "OnDemandThroughputOverride",
                   "GlobalSecondaryIndexes", "KMSMasterKeyId"):
        if spec.get(member):
            replica[member] = copy.deepcopy(spec[member])
    if spec.get("TableClassOverride"):
        replica["ReplicaTableClassSummary"] = {"TableClass": spec["TableClassOverride"]}
    return replica


def _plain_entry(member: Table) -> dict[str, Any]:
    return {"RegionName": member.region, "ReplicaStatus": "ACTIVE"}


def _description(runtime: DynamoDbServices, table: Table, region: str, spec: dict[str, Any]
                 ) -> dict[str, Any]:
    description = copy.deepcopy(table.description)
    for member in REGIONAL:
        description.pop(member, None)
    arn = table_arn(region, table.account, table.name)
    description.update(TableArn=arn, TableId=str(uuid.uuid4()), TableStatus="ACTIVE",
                       CreationDateTime=runtime.clock.now(), DeletionProtectionEnabled=False)
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind, []):
            index["IndexArn"] = f"{arn}/index/{index['IndexName']}"
    apply_overrides(description, spec)
    return description
