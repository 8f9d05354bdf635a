"""Time to Live: the table's setting and the background sweeper (aws-facts §2.3).

An item expires when its TTL attribute is a top-level Number of epoch seconds below the clock's
now; values five or more years in the past are ignored, as AWS does. Expired items stay readable
until swept. Each sweep deletes through `items.write(..., ttl_delete=True)`, so the REMOVE stream
record carries the TTL service identity.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from headwater.dynamodb import item_store, items
from headwater.dynamodb.table import Table
from headwater.streams.workers import PeriodicWorker

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices

FIVE_YEARS = 5 * 365 * 24 * 3600
BATCH = 500


def ttl_attribute(table: Table) -> str | None:
    """The attribute TTL reads on this table, or None when TTL is off."""
    if table.ttl.get("Enabled"):
        return str(table.ttl["AttributeName"])
    return None


def expired(item: dict[str, Any], attribute: str, now: float) -> bool:
    value = item.get(attribute)
    if not isinstance(value, dict) or "N" not in value:
        return False
    try:
        seconds = Decimal(value["N"])
    except (InvalidOperation, TypeError):
        return False
    return now - FIVE_YEARS < seconds < Decimal(repr(now))


class TtlSweeper(PeriodicWorker):
    def __init__(self, runtime: DynamoDbServices, interval: float,
                 record: Callable[..., None] | None = None) -> None:
        super().__init__(runtime.clock)
        self.runtime = runtime
        self.interval = interval
        # AWS/DynamoDB TimeToLiveDeletedItemCount by TableName: record(account, region,
        # metric, dimensions, value), handed by the composition root
        self.record = record

    def tick(self) -> float:
        more = False
        for table in self.runtime.tables.all():
            deleted = sweep_table(self.runtime, table)
            if deleted and self.record is not None:
                self.record(table.account, table.region, "TimeToLiveDeletedItemCount",
                            {"TableName": table.name}, deleted)
            more |= deleted >= BATCH
        return 0.0 if more else self.interval


def sweep_table(runtime: DynamoDbServices, table: Table) -> int:
    """Delete one batch of the table's expired items; returns how many were deleted."""
    attribute = ttl_attribute(table)
    if attribute is None:
        return 0
    now = runtime.clock.now()
    deleted = 0
    with runtime.storage.transaction() as conn:
        for hk, rk in _candidates(conn, table.id, attribute, now):
            old = item_store.get(conn, table.id, hk, rk)
            if old is None or not expired(old, attribute, now):
                continue
            items.write(runtime, conn, table, (hk, rk), old, None, ttl_delete=True)
            deleted += 1
    return deleted


def _candidates(conn: sqlite3.Connection, table_id: int, attribute: str, now: float
                ) -> list[tuple[bytes, bytes]]:
    # SQLite's JSON functions narrow the scan; `expired` re-checks each item exactly.
    if '"' in attribute or "\\" in attribute:
        rows = conn.execute("SELECT hk, rk FROM ddb_items WHERE table_id = ?", (table_id,))
        return [(bytes(hk), bytes(rk)) for hk, rk in rows]
    path = f'$."{attribute}".N'
    rows = conn.execute(
        "SELECT hk, rk FROM ddb_items WHERE table_id = ? AND "
        "CAST(json_extract(CAST(item AS TEXT), ?) AS REAL) BETWEEN ? AND ? LIMIT ?",
        (table_id, path, now - FIVE_YEARS, now, BATCH),
    )
    return [(bytes(hk), bytes(rk)) for hk, rk in rows]
