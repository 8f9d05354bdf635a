"""A replica leaves its group: ReplicaUpdates Delete (the replica table is deleted) and
DeleteTable on a replica (the group forgets it). A replica protected against deletion refuses
both (ack-api-quirks DDB-TABLE-297, recorded against AWS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.replicas import group
from headwater.dynamodb.stream_specification import disable_stream

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table

PROTECTED = ("Resource cannot be deleted as it is currently protected against deletion. Disable "
             "deletion protection first.")


def delete_replica(runtime: DynamoDbServices, table: Table, region: str) -> None:
    group.entry(table, region)  # a region outside the group is refused
    replica = runtime.tables.find(table.account, region, table.name)
    if replica is None:  # already gone (deleted with DeleteTable meanwhile)
        with runtime.storage.transaction():
            group.leave(table, region)
            runtime.tables.save(table)
        return
    if replica.description.get("DeletionProtectionEnabled"):
        raise ValidationException(PROTECTED)
    with runtime.storage.transaction():
        leave_group(runtime, replica)
        if replica.stream_view_type is not None:
            disable_stream(runtime, replica)
        runtime.tables.remove(replica)


def leave_group(runtime: DynamoDbServices, replica: Table) -> None:
    """Take a replica out of its group, in the caller's transaction: the members forget it and
    replication to and from it stops."""
    with runtime.storage.transaction() as conn:
        for member in group.peers(runtime, replica):
            group.leave(member, replica.region)
            runtime.tables.save(member)
        runtime.replica_links.unlink(conn, replica)
