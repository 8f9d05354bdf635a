"""SQL for event source mappings and their per-shard checkpoints (with the open tumbling
window of each shard, aws-facts §4.6)."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from headwater.triggers.model import Mapping

_COLUMNS = ("uuid, account, region, function_arn, source_arn, config, state, last_modified, "
            "last_result, start_after, created")


def _mapping(row: tuple[Any, ...]) -> Mapping:
    values = list(row)
    config = orjson.loads(values[5])
    enabled = config.pop("Enabled", True)
    values[5] = config
    return Mapping(*values, enabled=enabled)  # type: ignore[misc]  # the row stops before it


def _config_blob(mapping: Mapping) -> bytes:
    return orjson.dumps({**mapping.config, "Enabled": mapping.enabled})


def load_all(conn: sqlite3.Connection) -> list[Mapping]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM esm_mappings ORDER BY created, uuid")
    return [_mapping(row) for row in rows]


def insert(conn: sqlite3.Connection, mapping: Mapping) -> None:
    conn.execute(
        f"INSERT INTO esm_mappings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (mapping.uuid, mapping.account, mapping.region, mapping.function_arn,
         mapping.source_arn, _config_blob(mapping), mapping.state, mapping.last_modified,
         mapping.last_result, mapping.start_after, mapping.created),
    )


def update(conn: sqlite3.Connection, mapping: Mapping) -> None:
    conn.execute(
        "UPDATE esm_mappings SET function_arn = ?, config = ?, state = ?, last_modified = ?, "
        "last_result = ? WHERE uuid = ?",
        (mapping.function_arn, _config_blob(mapping), mapping.state, mapping.last_modified,
         mapping.last_result, mapping.uuid),
    )


def set_result(conn: sqlite3.Connection, uuid: str, result: str) -> None:
    conn.execute("UPDATE esm_mappings SET last_result = ? WHERE uuid = ?", (result, uuid))


def delete(conn: sqlite3.Connection, uuid: str) -> None:
    conn.execute("DELETE FROM esm_checkpoints WHERE uuid = ?", (uuid,))
    conn.execute("DELETE FROM esm_mappings WHERE uuid = ?", (uuid,))


def checkpoints(conn: sqlite3.Connection, uuid: str) -> dict[str, tuple[int, bool]]:
    """shard id -> (last processed sequence counter, finished)."""
    rows = conn.execute("SELECT shard_id, seq, finished FROM esm_checkpoints WHERE uuid = ?",
                        (uuid,))
    return {shard_id: (seq, bool(finished)) for shard_id, seq, finished in rows}


def save_checkpoint(conn: sqlite3.Connection, uuid: str, shard_id: str, seq: int,
                    finished: bool = False, window: bytes | None = None) -> None:
    """Records up to `seq` are processed; `window` is the open tumbling window as of `seq`
    (windows.Window.blob), None when none is open."""
    conn.execute(
        "INSERT INTO esm_checkpoints (uuid, shard_id, seq, finished, open_window) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (uuid, shard_id) DO UPDATE SET seq = excluded.seq, "
        "finished = excluded.finished, open_window = excluded.open_window",
        (uuid, shard_id, seq, int(finished), window),
    )


def open_window(conn: sqlite3.Connection, uuid: str, shard_id: str) -> bytes | None:
    """The tumbling window saved with the shard's checkpoint, if one is open."""
    row = conn.execute("SELECT open_window FROM esm_checkpoints WHERE uuid = ? AND shard_id = ?",
                       (uuid, shard_id)).fetchone()
    return None if row is None or row[0] is None else bytes(row[0])
