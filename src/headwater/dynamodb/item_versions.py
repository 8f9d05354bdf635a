"""Each replicated item's last-writer-wins version (global tables): the clock time of the
write that produced it and the region that made it. Kept beside the item, never in it (AWS
hides its own replication metadata since version 2019.11.21); a deleted item keeps its version
as a tombstone, so a late, older update cannot bring it back, until no replica can still send
one (replication/tombstones.py)."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

Key = tuple[bytes, bytes]
CHUNK = 16  # keys a read of several items' versions asks for at once
_GET_MANY = (
    "WITH k(n, h, r) AS (SELECT ?1, ?2, ?3" + "".join(
        f" UNION ALL SELECT ?1, ?{2 * n + 2}, ?{2 * n + 3}" for n in range(1, CHUNK)) + ") "
    "SELECT k.h, k.r, v.written, v.region, i.item, i.size FROM k "
    "LEFT JOIN ddb_item_versions AS v ON v.table_id = k.n AND v.hk = k.h AND v.rk = k.r "
    "LEFT JOIN ddb_items AS i ON i.table_id = k.n AND i.hk = k.h AND i.rk = k.r")


@dataclass(frozen=True, order=True, slots=True)
class Version:
    """Ordered as the conflict rule orders writes: later time wins, the region name breaks a
    tie (a deterministic choice: every replica picks the same winner)."""

    written: float
    region: str


# An item's version, its stored bytes and stored size, as a replica holds them.
Held = tuple[Version | None, bytes | None, int]


def get(conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes) -> Version | None:
    row = conn.execute(
        "SELECT written, region FROM ddb_item_versions WHERE table_id = ? AND hk = ? AND rk = ?",
        (table_id, hk, rk)).fetchone()
    return None if row is None else Version(float(row[0]), str(row[1]))


def get_many_with_items(conn: sqlite3.Connection, table_id: int, keys: list[Key]
                        ) -> dict[Key, Held]:
    """Each key's version, item as stored (undecoded, None when absent) and stored size (0
    when absent): what applying replicated changes reads first. One statement per
    `CHUNK` keys (a short chunk repeats its last key, so the statement text stays one)."""
    held: dict[Key, Held] = {}
    distinct = list(dict.fromkeys(keys))
    for start in range(0, len(distinct), CHUNK):
        chunk = distinct[start:start + CHUNK]
        chunk += [chunk[-1]] * (CHUNK - len(chunk))
        params: list[object] = [table_id]
        for hk, rk in chunk:
            params += (bytearray(hk), bytearray(rk))
        for hk, rk, written, region, item, size in conn.execute(_GET_MANY, params):
            version = None if written is None else Version(float(written), str(region))
            held[bytes(hk), bytes(rk)] = (version, item, int(size or 0))
    return held


class VersionMark:
    """A database's high-water mark: the latest version any of its items was given, so no
    item holds a later one (`stamp`). Read from the database when first needed, then raised
    as versions are given; one per database, owned by the composition root. A mark too high
    (a version given in a transaction that rolled back) only costs a read."""

    __slots__ = ("_high",)

    def __init__(self) -> None:
        self._high: float | None = None

    def stamp(self, conn: sqlite3.Connection, table_id: int, hk: bytes, rk: bytes,
              now: float) -> float:
        """A local write's last-writer-wins time: the clock's `now`, but always after the
        version the item holds. While `now` is past the mark, as it is unless the wall clock
        under the project clock stepped back, no version is read."""
        high = self._high
        if high is None:
            row = conn.execute("SELECT max(written) FROM ddb_item_versions").fetchone()
            high = -math.inf if row[0] is None else float(row[0])
        if now <= high:
            held = get(conn, table_id, hk, rk)
            if held is not None and now <= held.written:
                now = held.written + 1e-6
        self._high = max(high, now)
        return now

    def raise_to(self, written: float) -> None:
        """Keep the mark at or above a version just given (a mark not yet read is read whole
        when first needed)."""
        if self._high is not None and written > self._high:
            self._high = written


def put_many(conn: sqlite3.Connection, mark: VersionMark, table_id: int,
             rows: list[tuple[bytes, bytes, float, str, bool]]) -> None:
    """Set several items' versions: (hk, rk, written, region, deleted) each."""
    for _hk, _rk, written, _region, _deleted in rows:
        mark.raise_to(written)
    conn.executemany(
        "INSERT OR REPLACE INTO ddb_item_versions (table_id, hk, rk, written, region, deleted) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(table_id, bytearray(hk), bytearray(rk), written, region, deleted)
         for hk, rk, written, region, deleted in rows])


def put(conn: sqlite3.Connection, mark: VersionMark, table_id: int, hk: bytes, rk: bytes,
        version: Version, deleted: bool = False) -> None:
    """Set the item's version; `deleted` when the write deleted it (a tombstone)."""
    mark.raise_to(version.written)
    conn.execute(
        "INSERT OR REPLACE INTO ddb_item_versions (table_id, hk, rk, written, region, deleted) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (table_id, bytearray(hk), bytearray(rk), version.written, version.region, deleted))


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
