"""UpdateTable's ReplicaUpdates: checks, then each action in request order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headwater.dynamodb.replicas.checks import check_replica_updates
from headwater.dynamodb.replicas.create import create_replica
from headwater.dynamodb.replicas.delete import delete_replica
from headwater.dynamodb.replicas.update import update_replica

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

# The status each action shows in UpdateTable's response; the next DescribeTable shows the
# replica ACTIVE (or gone), as Headwater applies the change at once.
SHOWN = {"Create": "CREATING", "Update": "UPDATING", "Delete": "DELETING"}


def apply_replica_updates(runtime: DynamoDbServices, table: Table, request: dict[str, Any],
                          others: tuple[str, ...]) -> dict[str, str]:
    """Apply the ReplicaUpdates; returns the status to show for each region touched."""
    shown: dict[str, str] = {}
    for kind, spec in check_replica_updates(request, others, table.region):
        region = spec["RegionName"]
        if kind == "Create":
            create_replica(runtime, table, spec)
        elif kind == "Delete":
            delete_replica(runtime, table, region)
        else:
            update_replica(runtime, table, spec)
        shown[region] = SHOWN[kind]
    return shown


def show_statuses(description: dict[str, Any], shown: dict[str, str]) -> None:
    """Set the touched replicas' statuses in a TableDescription (deleted ones re-listed)."""
    listed = description.get("Replicas", [])
    replicas = [dict(r, ReplicaStatus=shown.get(r["RegionName"], r["ReplicaStatus"]))
                for r in listed]
    names = {r["RegionName"] for r in listed}
    replicas += [{"RegionName": region, "ReplicaStatus": status}
                 for region, status in shown.items() if region not in names]
    description["Replicas"] = replicas
    description.setdefault("GlobalTableVersion", "2019.11.21")
