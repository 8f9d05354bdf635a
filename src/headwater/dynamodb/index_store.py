"""SQL for secondary index entries (`ddb_index_items`)."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from headwater.dynamodb.item_size import item_size


def put(conn: sqlite3.Connection, table_id: int, index: str, hk: bytes, rk: bytes,
        table_key: tuple[bytes, bytes], item: dict[str, Any]) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO ddb_index_items "
        "(table_id, index_name, hk, rk, table_hk, table_rk, item, size) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (table_id, index, hk, rk, table_key[0], table_key[1], orjson.dumps(item),
         item_size(item)),
    )


def delete(conn: sqlite3.Connection, table_id: int, index: str, hk: bytes, rk: bytes,
           table_key: tuple[bytes, bytes]) -> None:
    conn.execute(
        "DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND hk = ? AND rk = ? "
        "AND table_hk = ? AND table_rk = ?",
        (table_id, index, hk, rk, table_key[0], table_key[1]),
    )


def drop_index(conn: sqlite3.Connection, table_id: int, index: str) -> None:
    conn.execute("DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ?",
                 (table_id, index))


def table_items(conn: sqlite3.Connection, table_id: int
                ) -> list[tuple[bytes, bytes, dict[str, Any]]]:
    rows = conn.execute("SELECT hk, rk, item FROM ddb_items WHERE table_id = ?", (table_id,))
    return [(hk, rk, orjson.loads(item)) for hk, rk, item in rows]
