"""SQL for items: one row per item keyed by (table id, encoded hash key, encoded range key).

The hot statements bind their blobs as bytearrays: the sqlite3 module binds those as they are,
where bytes go through its adapter lookup first (core/storage.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import orjson


def get(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT item FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?", (table_id, hk, rk)
    ).fetchone()
    return None if row is None else orjson.loads(row[0])


def get_sized(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes
              ) -> tuple[dict[str, Any] | None, int]:
    """The item and its size as stored with it (0 when there is none): no walk to size it."""
    raw, size = get_stored(conn, table_id, hk, rk)
    return (None, 0) if raw is None else (orjson.loads(raw), size)


def get_sized_stored(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes
                     ) -> tuple[dict[str, Any] | None, bytes | None, int]:
    """The item, its JSON as stored and its stored size ((None, None, 0) when there is none):
    what an update needs of the old item (its value to update, its bytes for the stream
    record's old image)."""
    raw, size = get_stored(conn, table_id, hk, rk)
    return (None, None, 0) if raw is None else (orjson.loads(raw), raw, size)


def get_stored(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes
               ) -> tuple[bytes | None, int]:
    """The item's JSON as stored, undecoded, and its stored size ((None, 0) when there is
    none): what a read answers with as it is (orjson.Fragment) when it needs no value, and
    what a write needs of the old item for its stream record's image and its capacity."""
    row = conn.execute(
        "SELECT item, size FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
        (table_id, bytearray(hk), bytearray(rk))).fetchone()
    return (None, 0) if row is None else (row[0], int(row[1]))


def put(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes, item: dict[str, Any],
        size: int) -> bytes:
    """Store the item; returns its stored JSON (the stream record embeds it as it is)."""
    data = orjson.dumps(item)
    conn.execute(
        "INSERT OR REPLACE INTO ddb_items (table_id, hk, rk, item, size) VALUES (?, ?, ?, ?, ?)",
        (table_id, bytearray(hk), bytearray(rk), bytearray(data), size),
    )
    return data


def insert(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes, item: dict[str, Any],
           size: int) -> bytes | None:
    """Store the item if the key holds none; returns its stored JSON, or None (nothing
    written) when an item is there already."""
    data = orjson.dumps(item)
    cursor = conn.execute(
        "INSERT INTO ddb_items (table_id, hk, rk, item, size) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (table_id, bytearray(hk), bytearray(rk), bytearray(data), size),
    )
    return data if cursor.rowcount == 1 else None


def put_many_encoded(conn: sqlite3.Connection, table_id: int,
                     rows: list[tuple[bytes, bytes, bytes, int]]) -> None:
    """Store several items already encoded: (hk, rk, item JSON, size) each (global tables'
    replicated changes, whose items arrive encoded in the source's records)."""
    conn.executemany(
        "INSERT OR REPLACE INTO ddb_items (table_id, hk, rk, item, size) VALUES (?, ?, ?, ?, ?)",
        [(table_id, bytearray(hk), bytearray(rk), bytearray(item), size)
         for hk, rk, item, size in rows])


def delete_many(conn: sqlite3.Connection, table_id: int, keys: list[tuple[bytes, bytes]]
                ) -> None:
    conn.executemany("DELETE FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
                     [(table_id, bytearray(hk), bytearray(rk)) for hk, rk in keys])


def delete(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> None:
    conn.execute("DELETE FROM ddb_items WHERE table_id = ? AND hk = ? AND rk = ?",
                 (table_id, hk, rk))


def scan_all(conn: sqlite3.Connection, table_id: int
             ) -> Iterator[tuple[bytes, bytes, dict[str, Any], int]]:
    """Every item of a table with its key and size (a new replica's initial copy)."""
    rows = conn.execute("SELECT hk, rk, item, size FROM ddb_items WHERE table_id = ?",
                        (table_id,)).fetchall()
    for hk, rk, item, size in rows:
        yield bytes(hk), bytes(rk), orjson.loads(item), int(size)
