"""SQL for functions, published versions, aliases, code archives, asynchronous invocation
settings and the Event queue.

A function's configuration is stored as the FunctionConfiguration dict AWS returns, plus private
keys starting with `_` (code location) that `public()` drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from headwater.core.storage import Storage

MAX_VERSION = (1 << 63) - 1  # SQLite INTEGER


@dataclass(slots=True)
class FunctionRecord:
    id: int
    account: str
    region: str
    name: str
    config: dict[str, Any]
    tags: dict[str, str]
    reserved: int | None


@dataclass(slots=True)
class QueuedEvent:
    id: int
    account: str
    region: str
    function: str
    qualifier: str | None
    payload: bytes
    request_id: str
    attempts: int
    not_before: float
    queued_at: float  # when first queued; MaximumEventAgeInSeconds counts from here


def public(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if not k.startswith("_")}


class FunctionStore:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # functions
    def get(self, account: str, region: str, name: str) -> FunctionRecord | None:
        row = self.storage.conn.execute(
            "SELECT id, account, region, name, config, tags, reserved FROM lambda_functions "
            "WHERE account = ? AND region = ? AND name = ?", (account, region, name)).fetchone()
        return _record(row) if row else None

    def functions(self, account: str, region: str, after: str,
                  limit: int) -> list[FunctionRecord]:
        rows = self.storage.conn.execute(
            "SELECT id, account, region, name, config, tags, reserved FROM lambda_functions "
            "WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
            (account, region, after, limit)).fetchall()
        return [_record(row) for row in rows]

    def insert(self, account: str, region: str, name: str, config: dict[str, Any],
               tags: dict[str, str]) -> int:
        with self.storage.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO lambda_functions (account, region, name, config, tags) "
                "VALUES (?, ?, ?, ?, ?)", (account, region, name, orjson.dumps(config),
                                           orjson.dumps(tags)))
            return int(cursor.lastrowid or 0)

    def update_config(self, function_id: int, config: dict[str, Any]) -> None:
        with self.storage.transaction() as conn:
            conn.execute("UPDATE lambda_functions SET config = ? WHERE id = ?",
                         (orjson.dumps(config), function_id))

    def set_tags(self, function_id: int, tags: dict[str, str]) -> None:
        with self.storage.transaction() as conn:
            conn.execute("UPDATE lambda_functions SET tags = ? WHERE id = ?",
                         (orjson.dumps(tags), function_id))

    def set_reserved(self, function_id: int, reserved: int | None) -> None:
        with self.storage.transaction() as conn:
            conn.execute("UPDATE lambda_functions SET reserved = ? WHERE id = ?",
                         (reserved, function_id))

    def delete(self, function_id: int) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM lambda_functions WHERE id = ?", (function_id,))

    # versions
    def version(self, function_id: int, version: int) -> dict[str, Any] | None:
        if not 0 <= version <= MAX_VERSION:
            return None  # a qualifier of digits past what SQLite stores names no version
        row = self.storage.conn.execute(
            "SELECT config FROM lambda_versions WHERE function_id = ? AND version = ?",
            (function_id, version)).fetchone()
        return orjson.loads(row[0]) if row else None

    def versions(self, function_id: int) -> list[dict[str, Any]]:
        rows = self.storage.conn.execute(
            "SELECT config FROM lambda_versions WHERE function_id = ? ORDER BY version",
            (function_id,)).fetchall()
        return [orjson.loads(row[0]) for row in rows]

    def insert_version(self, function_id: int, version: int, config: dict[str, Any]) -> None:
        with self.storage.transaction() as conn:
            conn.execute("INSERT INTO lambda_versions (function_id, version, config) "
                         "VALUES (?, ?, ?)", (function_id, version, orjson.dumps(config)))

    def delete_version(self, function_id: int, version: int) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM lambda_versions WHERE function_id = ? AND version = ?",
                         (function_id, version))
            conn.execute("DELETE FROM lambda_event_invoke_configs WHERE function_id = ? AND "
                         "qualifier = ?", (function_id, str(version)))

    # aliases
    def alias(self, function_id: int, name: str) -> dict[str, Any] | None:
        row = self.storage.conn.execute(
            "SELECT config FROM lambda_aliases WHERE function_id = ? AND name = ?",
            (function_id, name)).fetchone()
        return orjson.loads(row[0]) if row else None

    def aliases(self, function_id: int) -> list[dict[str, Any]]:
        rows = self.storage.conn.execute(
            "SELECT config FROM lambda_aliases WHERE function_id = ? ORDER BY name",
            (function_id,)).fetchall()
        return [orjson.loads(row[0]) for row in rows]

    def put_alias(self, function_id: int, name: str, config: dict[str, Any]) -> None:
        with self.storage.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO lambda_aliases (function_id, name, config) "
                         "VALUES (?, ?, ?)", (function_id, name, orjson.dumps(config)))

    def delete_alias(self, function_id: int, name: str) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM lambda_aliases WHERE function_id = ? AND name = ?",
                         (function_id, name))
            conn.execute("DELETE FROM lambda_event_invoke_configs WHERE function_id = ? AND "
                         "qualifier = ?", (function_id, name))

    # asynchronous invocation settings (EventInvokeConfig), by qualifier
    def invoke_config(self, function_id: int, qualifier: str) -> dict[str, Any] | None:
        row = self.storage.conn.execute(
            "SELECT config FROM lambda_event_invoke_configs WHERE function_id = ? AND "
            "qualifier = ?", (function_id, qualifier)).fetchone()
        return orjson.loads(row[0]) if row else None

    def invoke_configs(self, function_id: int) -> list[tuple[str, dict[str, Any]]]:
        rows = self.storage.conn.execute(
            "SELECT qualifier, config FROM lambda_event_invoke_configs WHERE function_id = ? "
            "ORDER BY qualifier", (function_id,)).fetchall()
        return [(row[0], orjson.loads(row[1])) for row in rows]

    def put_invoke_config(self, function_id: int, qualifier: str, config: dict[str, Any]) -> None:
        with self.storage.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO lambda_event_invoke_configs (function_id, "
                         "qualifier, config) VALUES (?, ?, ?)",
                         (function_id, qualifier, orjson.dumps(config)))

    def delete_invoke_config(self, function_id: int, qualifier: str) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM lambda_event_invoke_configs WHERE function_id = ? AND "
                         "qualifier = ?", (function_id, qualifier))

    # code
    def put_code(self, key: str, zip_bytes: bytes) -> None:
        with self.storage.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO lambda_code (sha, zip) VALUES (?, ?)",
                         (key, zip_bytes))

    def code(self, key: str) -> bytes | None:
        row = self.storage.conn.execute("SELECT zip FROM lambda_code WHERE sha = ?",
                                        (key,)).fetchone()
        return bytes(row[0]) if row else None

    # Event invocations
    def enqueue(self, account: str, region: str, function: str, qualifier: str | None,
                payload: bytes, request_id: str, not_before: float) -> None:
        with self.storage.transaction() as conn:
            conn.execute(
                "INSERT INTO lambda_event_queue (account, region, function, qualifier, payload, "
                "request_id, not_before, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account, region, function, qualifier, payload, request_id, not_before,
                 not_before))

    def due_events(self, now: float, limit: int) -> list[QueuedEvent]:
        rows = self.storage.conn.execute(
            "SELECT id, account, region, function, qualifier, payload, request_id, attempts, "
            "not_before, COALESCE(queued_at, not_before) FROM lambda_event_queue "
            "WHERE not_before <= ? ORDER BY not_before, id LIMIT ?", (now, limit)).fetchall()
        return [QueuedEvent(row[0], row[1], row[2], row[3], row[4], bytes(row[5]), row[6],
                            row[7], row[8], row[9]) for row in rows]

    def next_event_time(self) -> float | None:
        row = self.storage.conn.execute("SELECT MIN(not_before) FROM lambda_event_queue").fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def retry_event(self, event_id: int, attempts: int, not_before: float) -> None:
        with self.storage.transaction() as conn:
            conn.execute("UPDATE lambda_event_queue SET attempts = ?, not_before = ? WHERE id = ?",
                         (attempts, not_before, event_id))

    def delete_event(self, event_id: int) -> None:
        with self.storage.transaction() as conn:
            conn.execute("DELETE FROM lambda_event_queue WHERE id = ?", (event_id,))


def _record(row: Any) -> FunctionRecord:
    return FunctionRecord(row[0], row[1], row[2], row[3], orjson.loads(row[4]),
                          orjson.loads(row[5]), row[6])
