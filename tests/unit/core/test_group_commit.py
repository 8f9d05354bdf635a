"""Group commit: consecutive writes share one SQLite transaction, and answers wait for it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from headwater.core.storage import DB_FILE, Storage


def _count(path: Path) -> int:
    """What another connection (a reader after a crash would be one) sees committed."""
    with sqlite3.connect(str(path / DB_FILE)) as other:
        return int(other.execute("SELECT count(*) FROM meta").fetchone()[0])


def test_writes_of_one_iteration_commit_once_and_settle_after(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    seen: list[tuple[str, object, int]] = []

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        for number in range(3):
            with storage.transaction() as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"k{number}", b""))
            storage.when_settled(
                lambda error, n=number: seen.append((f"w{n}", error, _count(tmp_path))))
        assert seen == []  # nothing is answered before the commit
        assert _count(tmp_path) == 0
        await storage.settle()

    try:
        asyncio.run(scenario())
        assert seen == [("w0", None, 3), ("w1", None, 3), ("w2", None, 3)]
    finally:
        storage.close()


def test_a_failed_write_leaves_the_rest_of_its_group(tmp_path: Path) -> None:
    storage = Storage(tmp_path)

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        with storage.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('kept', x'')")
        try:
            with storage.transaction() as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES ('undone', x'')")
                raise RuntimeError("the operation failed after writing")
        except RuntimeError:
            pass
        await storage.settle()

    try:
        asyncio.run(scenario())
        keys = [row[0] for row in storage.conn.execute("SELECT key FROM meta ORDER BY key")]
        assert "kept" in keys and "undone" not in keys
    finally:
        storage.close()


def test_without_a_loop_each_transaction_commits_alone(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    try:
        before = _count(tmp_path)
        with storage.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('alone', x'')")
        assert _count(tmp_path) == before + 1
        called: list[object] = []
        storage.when_settled(called.append)
        assert called == [None]
    finally:
        storage.close()


def test_a_failing_waiter_does_not_starve_the_others(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    told: list[object] = []

    def broken(error: BaseException | None) -> None:
        raise ConnectionResetError("the client went away")

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        with storage.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('w', x'')")
        storage.when_settled(broken)
        storage.when_settled(told.append)
        await storage.settle()

    try:
        asyncio.run(scenario())
        assert told == [None]
    finally:
        storage.close()
