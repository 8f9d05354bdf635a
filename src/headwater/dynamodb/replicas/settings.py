"""Settings a global table's replicas share: secondary index creates, updates and deletes made
on any replica reach all of them (ack-api-quirks DDB-TABLE-296, recorded against AWS: GSI add
and delete are group-wide, also when issued at a replica's endpoint). TTL is shared too
(operations/update_time_to_live.py). Deletion protection, tags and table class stay regional."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headwater.dynamodb.index_updates import apply_index_updates
from headwater.dynamodb.replicas.group import peers

if TYPE_CHECKING:
    import sqlite3

    from headwater.dynamodb.context import DynamoDbServices
    from headwater.dynamodb.table import Table


def replicate_index_updates(runtime: DynamoDbServices, conn: sqlite3.Connection, table: Table,
                            request: dict[str, Any]) -> None:
    """Apply the request's GlobalSecondaryIndexUpdates to every other replica, in the caller's
    transaction (each replica backfills its own index from its own items)."""
    for peer in peers(runtime, table):
        runtime.storage.on_rollback(_restorer(peer))
        mode = peer.description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
        apply_index_updates(conn, peer, request, mode)
        runtime.tables.save(peer)


def _restorer(table: Table) -> Callable[[], None]:
    """Puts the table's description back if the transaction rolls back."""
    description = copy.deepcopy(table.description)

    def restore() -> None:
        table.description = description
        table.refresh()
    return restore
