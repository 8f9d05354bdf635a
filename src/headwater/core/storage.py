"""SQLite storage: one connection, WAL, migrations, and one transaction per write request.

Every call runs on the event-loop thread as one synchronous job, so no `await` can sit inside a
transaction (STYLE.md, aiosqlite lesson) and writes are serialised by construction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from headwater.core.schema import MIGRATIONS

DB_FILE = "headwater.sqlite3"


class Storage:
    def __init__(self, data_dir: Path | None, durability: str = "normal") -> None:
        if data_dir is None:
            target = ":memory:"
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            target = str(data_dir / DB_FILE)
        self.data_dir = data_dir
        self.conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        if data_dir is not None:
            self.conn.execute("PRAGMA journal_mode=WAL")
        synchronous = "FULL" if durability == "full" else "NORMAL"
        self.conn.execute(f"PRAGMA synchronous={synchronous}")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._on_rollback: list[Callable[[], object]] = []
        self.migrate()

    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self._after_commit.clear()
            self.conn.execute("ROLLBACK")
            undo, self._on_rollback = self._on_rollback, []
            for callback in undo:
                callback()
            raise
        self._depth = 0
        self.conn.execute("COMMIT")
        self._on_rollback.clear()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current transaction commits (dropped on rollback)."""
        if self._depth:
            self._after_commit.append(callback)
        else:
            callback()

    def on_rollback(self, callback: Callable[[], object]) -> None:
        """Run `callback` if the current transaction rolls back (in-memory state repair)."""
        if self._depth and callback not in self._on_rollback:
            self._on_rollback.append(callback)

    def close(self) -> None:
        self.conn.close()
