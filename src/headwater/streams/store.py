"""SQL for streams, shards and stream records."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from headwater.streams.model import Shard, Stream

_STREAM_COLUMNS = (
    "id, account, region, table_name, arn, label, view_type, key_schema, shard_count, created, "
    "disabled_at"
)
_SHARD_COLUMNS = (
    "id, stream_id, shard_id, parent_shard_id, lane, start_seq, end_seq, created, trimmed_seq"
)


def _stream(row: tuple[Any, ...]) -> Stream:
    values = list(row)
    values[7] = orjson.loads(values[7])
    return Stream(*values)


def load_streams(conn: sqlite3.Connection) -> list[Stream]:
    return [_stream(row) for row in conn.execute(f"SELECT {_STREAM_COLUMNS} FROM streams")]


def load_shards(conn: sqlite3.Connection) -> list[Shard]:
    rows = conn.execute(f"SELECT {_SHARD_COLUMNS} FROM stream_shards ORDER BY id")
    return [Shard(*row) for row in rows]


def insert_stream(conn: sqlite3.Connection, stream: Stream) -> int:
    cursor = conn.execute(
        "INSERT INTO streams (account, region, table_name, arn, label, view_type, key_schema, "
        "shard_count, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (stream.account, stream.region, stream.table_name, stream.arn, stream.label,
         stream.view_type, orjson.dumps(stream.key_schema), stream.shard_count, stream.created),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def mark_disabled(conn: sqlite3.Connection, stream: Stream) -> None:
    conn.execute("UPDATE streams SET disabled_at = ? WHERE id = ?", (stream.disabled_at, stream.id))


def insert_shard(conn: sqlite3.Connection, shard: Shard) -> int:
    cursor = conn.execute(
        "INSERT INTO stream_shards (stream_id, shard_id, parent_shard_id, lane, start_seq, "
        "created) VALUES (?, ?, ?, ?, ?, ?)",
        (shard.stream_id, shard.shard_id, shard.parent_shard_id, shard.lane, shard.start_seq,
         shard.created),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def close_shard(conn: sqlite3.Connection, shard: Shard) -> None:
    conn.execute("UPDATE stream_shards SET end_seq = ? WHERE id = ?", (shard.end_seq, shard.pk))


def append_record(conn: sqlite3.Connection, shard: int, seq: int, created: float,
                  record: bytes, origin: str | None = None) -> None:
    conn.execute("INSERT INTO stream_records (shard, seq, created, record, origin) "
                 "VALUES (?, ?, ?, ?, ?)",
                 # a bytearray is bound as it is, bytes after an adapter lookup (storage.py)
                 (shard, seq, created, bytearray(record), origin))


def append_records(conn: sqlite3.Connection,
                   rows: list[tuple[int, int, float, bytearray, str | None]]) -> None:
    """Several records at once: (shard, seq, created, record JSON, origin) each, the JSON as
    a bytearray (bound as it is)."""
    conn.executemany("INSERT INTO stream_records (shard, seq, created, record, origin) "
                     "VALUES (?, ?, ?, ?, ?)", rows)


def read_local(conn: sqlite3.Connection, shards: list[int], after: int, limit: int
               ) -> list[tuple[int, float, bytes]]:
    """Records of local writes (origin NULL) of several shards (one stream's) after `after`,
    in sequence order. Walks the sequence key from `after` (`+shard` keeps SQLite off the
    (shard, seq) index, whose plan sorts every later record of the shards to return the
    first few)."""
    marks = ",".join("?" * len(shards))
    return conn.execute(
        f"SELECT seq, created, record FROM stream_records WHERE seq > ? "
        f"AND +shard IN ({marks}) AND origin IS NULL ORDER BY seq LIMIT ?",
        (after, *shards, limit),
    ).fetchall()


def count_stream(conn: sqlite3.Connection, shards: list[int], after: int, origin: bool) -> int:
    """How many records of the shards lie after `after` (only local writes unless `origin`)."""
    marks = ",".join("?" * len(shards))
    local = "" if origin else " AND origin IS NULL"
    row = conn.execute(
        f"SELECT count(*) FROM stream_records WHERE seq > ? AND shard IN ({marks}){local}",
        (after, *shards)).fetchone()
    return int(row[0])


def oldest_local(conn: sqlite3.Connection, shards: list[int], after: int) -> float | None:
    marks = ",".join("?" * len(shards))
    row = conn.execute(
        f"SELECT min(created) FROM stream_records WHERE seq > ? AND shard IN ({marks}) "
        "AND origin IS NULL", (after, *shards)).fetchone()
    return None if row[0] is None else float(row[0])


def read_records(conn: sqlite3.Connection, shard: int, start: int, limit: int
                 ) -> list[tuple[int, float, bytes]]:
    return conn.execute(
        "SELECT seq, created, record FROM stream_records WHERE shard = ? AND seq >= ? "
        "ORDER BY seq LIMIT ?",
        (shard, start, limit),
    ).fetchall()


def last_seq(conn: sqlite3.Connection, shard: int) -> int | None:
    row = conn.execute("SELECT max(seq) FROM stream_records WHERE shard = ?", (shard,)).fetchone()
    seq: int | None = row[0]
    return seq


def max_sequence(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT max(coalesce((SELECT max(seq) FROM stream_records), 0), "
        "coalesce((SELECT max(max(start_seq, coalesce(end_seq, 0))) FROM stream_shards), 0), "
        "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sequence'), 0))"
    ).fetchone()
    return int(row[0])


def save_sequence(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sequence', ?)", (str(seq),))


def trim_shard(conn: sqlite3.Connection, shard: Shard, before: float) -> int:
    """Delete the shard's records created before `before`; returns the new trimmed_seq.

    Record times grow with sequence numbers, so the first record young enough is found by
    walking the old ones from the front rather than scanning the whole shard.
    """
    young = first_seq_since(conn, shard.pk, shard.trimmed_seq, before)
    if young is None:
        last = last_seq(conn, shard.pk)
    else:
        row = conn.execute("SELECT max(seq) FROM stream_records WHERE shard = ? AND seq < ?",
                           (shard.pk, young)).fetchone()
        last = row[0]
    if last is None or last <= shard.trimmed_seq:
        return shard.trimmed_seq
    conn.execute("DELETE FROM stream_records WHERE shard = ? AND seq <= ?", (shard.pk, last))
    conn.execute("UPDATE stream_shards SET trimmed_seq = ? WHERE id = ?", (last, shard.pk))
    return int(last)


def delete_shard(conn: sqlite3.Connection, shard: Shard) -> None:
    conn.execute("DELETE FROM stream_records WHERE shard = ?", (shard.pk,))
    conn.execute("DELETE FROM stream_shards WHERE id = ?", (shard.pk,))


def delete_stream(conn: sqlite3.Connection, stream: Stream) -> None:
    conn.execute("DELETE FROM streams WHERE id = ?", (stream.id,))


def first_record_from(conn: sqlite3.Connection, shard: int, seq: int
                      ) -> tuple[int, float] | None:
    """(seq, created) of the shard's first record at or after `seq`."""
    row = conn.execute(
        "SELECT seq, created FROM stream_records WHERE shard = ? AND seq >= ? ORDER BY seq LIMIT 1",
        (shard, seq),
    ).fetchone()
    return None if row is None else (int(row[0]), float(row[1]))


def first_seq_since(conn: sqlite3.Connection, shard: int, after: int, since: float) -> int | None:
    """The first record after `after` created at or after `since` (the untrimmed oldest)."""
    row = conn.execute(
        "SELECT seq FROM stream_records WHERE shard = ? AND seq > ? AND created >= ? "
        "ORDER BY seq LIMIT 1",
        (shard, after, since),
    ).fetchone()
    return None if row is None else int(row[0])


def get_meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    value = row[0]
    return value.encode() if isinstance(value, str) else bytes(value)


def put_meta(conn: sqlite3.Connection, key: str, value: bytes) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
