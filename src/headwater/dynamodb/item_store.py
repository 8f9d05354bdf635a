"""SQL for items: one row per item keyed by (table id, encoded hash key, encoded range key)."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson


def get(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT item FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?", (table_id, hk, rk)
    ).fetchone()
    return None if row is None else orjson.loads(row[0])


def put(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes, item: dict[str, Any],
        size: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO ddb_items (table_id, hk, rk, item, size) VALUES (?, ?, ?, ?, ?)",
        (table_id, hk, rk, orjson.dumps(item), size),
    )


def delete(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> None:
    conn.execute("DELETE FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
                 (table_id, hk, rk))
