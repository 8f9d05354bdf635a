"""SQL for replication positions: per (source table, target table), the last sequence number
of the source's stream that the target has applied (or judged older than what it holds); and
the replication controls (pause, delay), one JSON value in the `meta` table."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

CONTROLS_KEY = "replication_controls"


def position(conn: sqlite3.Connection, source_id: int, target_id: int) -> int | None:
    row = conn.execute(
        "SELECT seq FROM replication_positions WHERE source_id = ? AND target_id = ?",
        (source_id, target_id)).fetchone()
    return None if row is None else int(row[0])


def save(conn: sqlite3.Connection, source_id: int, target_id: int, seq: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO replication_positions (source_id, target_id, seq) "
        "VALUES (?, ?, ?)", (source_id, target_id, seq))


def drop_table(conn: sqlite3.Connection, table_id: int) -> None:
    conn.execute("DELETE FROM replication_positions WHERE source_id = ? OR target_id = ?",
                 (table_id, table_id))


def controls(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (CONTROLS_KEY,)).fetchone()
    return {} if row is None else dict(orjson.loads(row[0]))


def save_controls(conn: sqlite3.Connection, values: dict[str, Any]) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                 (CONTROLS_KEY, orjson.dumps(values)))
