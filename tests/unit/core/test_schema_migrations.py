"""Migrations carry an existing database forward without losing what it holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from headwater.core.schema import MIGRATIONS
from headwater.core.storage import DB_FILE, Storage

ROWID_ITEMS = 9  # the migration that moved items into a rowid table with a key index


def _database_at(path: Path, version: int) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path / DB_FILE), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")
    return conn


def test_items_survive_the_move_to_a_rowid_table(tmp_path: Path) -> None:
    conn = _database_at(tmp_path, ROWID_ITEMS - 1)
    rows = [(1, b"b", b"", b'{"pk":{"S":"b"}}', 5), (1, b"a", b"2", b'{"pk":{"S":"a"}}', 5),
            (1, b"a", b"1", b'{"pk":{"S":"a"}}', 5), (2, b"a", b"", b'{"pk":{"S":"x"}}', 7)]
    conn.executemany("INSERT INTO ddb_items (table_id, hk, rk, item, size) VALUES (?, ?, ?, ?, ?)",
                     rows)
    conn.close()

    storage = Storage(tmp_path)
    try:
        assert storage.schema_version == len(MIGRATIONS)
        moved = storage.conn.execute(
            "SELECT table_id, hk, rk, item, size FROM ddb_items ORDER BY table_id, hk, rk"
        ).fetchall()
        assert moved == sorted(rows)
        with storage.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO ddb_items (table_id, hk, rk, item, size) "
                         "VALUES (1, x'62', x'', x'7b7d', 2)")
        assert storage.conn.execute(
            "SELECT count(*), sum(size) FROM ddb_items WHERE table_id = 1").fetchone() == (3, 12)
        plan = " ".join(row[3] for row in storage.conn.execute(
            "EXPLAIN QUERY PLAN SELECT item FROM ddb_items WHERE table_id = 1 AND hk = ? "
            "AND rk = ?", (b"a", b"1")))
        assert "USING INDEX" in plan
    finally:
        storage.close()
