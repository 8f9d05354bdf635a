"""Each replicated item's last-writer-wins version (global tables): the clock time of the
write that produced it and the region that made it. Kept beside the item, never in it (AWS
hides its own replication metadata since version 2019.11.21); a deleted item keeps its version
as a tombstone, so a late, older update cannot bring it back, until no replica can still send
one (replication/tombstones.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, order=True, slots=True)
class Version:
    """Ordered as the conflict rule orders writes: later time wins, the region name breaks a
    tie (a deterministic choice: every replica picks the same winner)."""

    written: float
    region: str


def get(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> Version | None:
    row = conn.execute(
        "SELECT written, region FROM ddb_item_versions WHERE table_id = ? AND hk = ? AND rk = ?",
        (table_id, hk, rk)).fetchone()
    return None if row is None else Version(float(row[0]), str(row[1]))


def get_with_item(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes
                  ) -> tuple[Version | None, dict[str, Any] | None, int]:
    """The item's version, the item and its stored size (0 when absent), in one statement:
    what applying a replicated change reads first."""
    written, region, item, size = conn.execute(
        "SELECT v.written, v.region, i.item, i.size FROM (SELECT ? AS t, ? AS h, ? AS r) AS k "
        "LEFT JOIN ddb_item_versions AS v ON v.table_id = k.t AND v.hk = k.h AND v.rk = k.r "
        "LEFT JOIN ddb_items AS i ON i.table_id = k.t AND i.hk = k.h AND i.rk = k.r",
        (table_id, hk, rk)).fetchone()
    version = None if written is None else Version(float(written), str(region))
    return version, None if item is None else orjson.loads(item), int(size or 0)


def put(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes, version: Version,
        deleted: bool = False) -> None:
    """Set the item's version; `deleted` when the write deleted it (a tombstone)."""
    conn.execute(
        "INSERT OR REPLACE INTO ddb_item_versions (table_id, hk, rk, written, region, deleted) "
        "VALUES (?, ?, ?, ?, ?, ?)", (table_id, hk, rk, version.written, version.region, deleted))


def copy_table(conn: sqlite3.Connection, source_id: int, target_id: int) -> None:
    """Give a new replica the versions of the table it was copied from."""
    conn.execute(
        "INSERT OR REPLACE INTO ddb_item_versions (table_id, hk, rk, written, region, deleted) "
        "SELECT ?, hk, rk, written, region, deleted FROM ddb_item_versions WHERE table_id = ?",
        (target_id, source_id))


def drop_table(conn: sqlite3.Connection, table_id: int) -> None:
    conn.execute("DELETE FROM ddb_item_versions WHERE table_id = ?", (table_id,))


def drop_tombstones(conn: sqlite3.Connection, table_id: int, before: float, limit: int) -> int:
    """Delete up to `limit` of the table's tombstones written before `before`; how many."""
    keys = conn.execute(
        "SELECT hk, rk FROM ddb_item_versions WHERE table_id = ? AND deleted = 1 "
        "AND written < ? LIMIT ?", (table_id, before, limit)).fetchall()
    conn.executemany("DELETE FROM ddb_item_versions WHERE table_id = ? AND hk = ? AND rk = ?",
                     [(table_id, hk, rk) for hk, rk in keys])
    return len(keys)


def count_tombstones(conn: sqlite3.Connection, table_id: int) -> int:
    row = conn.execute("SELECT count(*) FROM ddb_item_versions WHERE table_id = ? AND "
                       "deleted = 1", (table_id,)).fetchone()
    return int(row[0])
