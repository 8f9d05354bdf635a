"""Item collection metrics (ReturnItemCollectionMetrics=SIZE): for a table with local secondary
indexes, the size of the written item's collection (every item with its partition key, plus
their LSI entries), reported as AWS does as a range of gigabytes."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

import orjson

from headwater.dynamodb.table import Table

GIB = 1024**3


def metrics(conn: sqlite3.Connection, table: Table, hash_key: bytes, item: dict[str, Any],
            request: dict[str, Any]) -> dict[str, Any] | None:
    """The ItemCollectionMetrics member for a write to `item`'s collection, or None."""
    if request.get("ReturnItemCollectionMetrics") != "SIZE":
        return None
    if all(index.is_global for index in table.indexes):
        return None
    size = conn.execute(
        "SELECT coalesce((SELECT sum(size) FROM ddb_items WHERE table_id = ? AND hk = ?), 0) + "
        "coalesce((SELECT sum(size) FROM ddb_index_items WHERE table_id = ? AND table_hk = ? "
        "AND index_name IN (SELECT value FROM json_each(?))), 0)",
        (table.id, hash_key, table.id, hash_key,
         _json_list([index.name for index in table.indexes if not index.is_global])),
    ).fetchone()[0]
    lower = float(math.floor(size / GIB))
    return {"ItemCollectionKey": {table.hash_name: item[table.hash_name]},
            "SizeEstimateRangeGB": [lower, lower + 1.0]}


def _json_list(names: list[str]) -> str:
    return orjson.dumps(names).decode()
