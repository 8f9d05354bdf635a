"""Migrations carry an existing database forward without losing what it holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from headwater.core.schema import MIGRATIONS
from headwater.core.storage import DB_FILE, Storage

ROWID_ITEMS = 9  # the migration that moved items into a rowid table with a key index
STREAM_RECORDS_BY_SEQ = 10  # the one that keyed stream records by sequence number
# The one that flagged global tables' deletion markers (found by content: its number may move
# when branches that add migrations merge).
TOMBSTONE_FLAGS = next(number for number, script in enumerate(MIGRATIONS, start=1)
                       if "ddb_item_tombstones" in script)


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


def test_stream_records_survive_the_move_to_sequence_keys(tmp_path: Path) -> None:
    conn = _database_at(tmp_path, STREAM_RECORDS_BY_SEQ - 1)
    conn.execute("INSERT INTO streams (id, account, region, table_name, arn, label, view_type, "
                 "key_schema, shard_count, created) VALUES (1, 'a', 'r', 't', 'arn', 'l', "
                 "'KEYS_ONLY', x'', 2, 0)")
    conn.executemany("INSERT INTO stream_shards (id, stream_id, shard_id, lane, start_seq, "
                     "created) VALUES (?, 1, ?, ?, 0, 0)", [(1, "s0", 0), (2, "s1", 1)])
    rows = [(1, 3, 1.0, b"r3"), (2, 1, 0.5, b"r1"), (1, 2, 0.7, b"r2"), (2, 5, 2.0, b"r5")]
    conn.executemany("INSERT INTO stream_records (shard, seq, created, record) "
                     "VALUES (?, ?, ?, ?)", rows)
    conn.close()

    storage = Storage(tmp_path)
    try:
        shard_one = storage.conn.execute(
            "SELECT seq, created, record FROM stream_records WHERE shard = 1 AND seq >= 0 "
            "ORDER BY seq").fetchall()
        assert shard_one == [(2, 0.7, b"r2"), (3, 1.0, b"r3")]
        assert storage.conn.execute("SELECT max(seq) FROM stream_records").fetchone() == (5,)
        with storage.transaction() as conn:
            conn.execute("DELETE FROM stream_shards WHERE id = 2")  # records go with the shard
        assert storage.conn.execute(
            "SELECT count(*) FROM stream_records WHERE shard = 2").fetchone() == (0,)
    finally:
        storage.close()


def test_existing_deletion_markers_are_flagged(tmp_path: Path) -> None:
    conn = _database_at(tmp_path, TOMBSTONE_FLAGS - 1)
    conn.executemany("INSERT INTO ddb_item_versions (table_id, hk, rk, written, region) "
                     "VALUES (1, ?, x'', ?, 'us-east-1')", [(b"live", 1.0), (b"gone", 2.0)])
    conn.execute("INSERT INTO ddb_items (table_id, hk, rk, item, size) "
                 "VALUES (1, ?, x'', x'7b7d', 2)", (b"live",))
    conn.close()

    storage = Storage(tmp_path)
    try:
        flags = storage.conn.execute(
            "SELECT hk, deleted FROM ddb_item_versions ORDER BY hk").fetchall()
        assert flags == [(b"gone", 1), (b"live", 0)]
    finally:
        storage.close()
