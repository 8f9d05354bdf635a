"""SQL for replication positions: per (source table, target table), the last sequence number
of the source's stream that the target has applied (or judged older than what it holds)."""

from __future__ import annotations

import sqlite3


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
