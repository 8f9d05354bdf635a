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


def test_reads_of_one_iteration_share_a_read_transaction(tmp_path: Path) -> None:
    """GetItem's point reads (`reader`): the reads of one loop iteration after its first share
    one read transaction instead of one each (two fcntl calls each in WAL mode); the first is
    its own (a lone read would pay a BEGIN and a COMMIT for nothing). A write ends the shared
    one first and is seen by the next read, and the next iteration ends it."""
    storage = Storage(tmp_path)

    def read(key: str) -> object:
        row = storage.reader().execute("SELECT value FROM meta WHERE key = ?",
                                       (key,)).fetchone()
        return None if row is None else bytes(row[0])

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        assert read("k") is None
        assert not storage.conn.in_transaction  # the iteration's first read: its own
        assert read("k") is None
        assert storage.conn.in_transaction  # the second opens one, which stays open ...
        assert read("k") is None
        with storage.transaction() as conn:  # ... until a write ends it
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', x'01')")
        assert read("k") == b"\x01"  # inside the write group
        await storage.settle()
        await asyncio.sleep(0)
        assert read("k") == b"\x01"  # a new iteration's first read
        assert not storage.conn.in_transaction
        assert read("k") == b"\x01"
        assert storage.conn.in_transaction
        await asyncio.sleep(0)  # the next iteration ends it
        assert not storage.conn.in_transaction
        with storage.transaction() as conn:
            conn.execute("UPDATE meta SET value = x'02' WHERE key = 'k'")
        await storage.settle()
        assert read("k") == b"\x02"
        assert read("k") == b"\x02"

    try:
        asyncio.run(scenario())
        assert not storage.conn.in_transaction
        assert _count(tmp_path) == 1
    finally:
        storage.close()


def test_a_new_loop_starts_a_fresh_turn(tmp_path: Path) -> None:
    """A loop that stopped before running its iteration's end leaves no read transaction
    behind for the next loop's first read to keep open."""
    storage = Storage(tmp_path)

    def read() -> None:
        storage.reader().execute("SELECT count(*) FROM meta").fetchone()

    async def second() -> None:
        storage.group_commits(asyncio.get_running_loop())
        read()
        assert not storage.conn.in_transaction  # this loop's first read: its own

    try:
        loop = asyncio.new_event_loop()
        storage.group_commits(loop)
        loop.call_soon(read)
        loop.call_soon(loop.stop)  # the loop ends with this iteration: _turn_ended never runs
        loop.run_forever()
        loop.close()
        asyncio.run(second())
    finally:
        storage.close()


def test_without_a_loop_a_read_is_its_own_transaction(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    try:
        storage.reader().execute("SELECT count(*) FROM meta").fetchone()
        assert not storage.conn.in_transaction
    finally:
        storage.close()


def test_a_failed_first_write_ends_its_group_with_nothing_committed(tmp_path: Path) -> None:
    """The group's first write runs without a savepoint: its failure rolls the transaction
    back, settles the waiters of the ended group, and the next write starts a new group
    (with its own savepoint-free first write) in the same loop iteration."""
    storage = Storage(tmp_path)
    seen: list[tuple[str, object]] = []
    repaired: list[str] = []

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        storage.reader().execute("SELECT 1").fetchone()
        try:
            with storage.transaction() as conn:
                storage.on_rollback(lambda: repaired.append("first"))
                storage.after_commit(lambda: seen.append(("after first", None)))
                conn.execute("INSERT INTO meta (key, value) VALUES ('undone', x'')")
                raise RuntimeError("the operation failed after writing")
        except RuntimeError:
            pass
        assert not storage.conn.in_transaction
        storage.when_settled(lambda error: seen.append(("failed", error)))
        with storage.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('kept', x'')")
        try:
            with storage.transaction() as conn:  # a later write of the group: a savepoint
                conn.execute("INSERT INTO meta (key, value) VALUES ('undone2', x'')")
                raise RuntimeError("failed too")
        except RuntimeError:
            pass
        assert storage.conn.in_transaction  # the group's first write is still to commit
        storage.when_settled(lambda error: seen.append(("kept", error)))
        assert _count(tmp_path) == 0
        await storage.settle()

    try:
        asyncio.run(scenario())
        keys = [row[0] for row in storage.conn.execute("SELECT key FROM meta ORDER BY key")]
        assert "kept" in keys and "undone" not in keys and "undone2" not in keys
        assert repaired == ["first"]
        assert seen == [("failed", None), ("kept", None)]
        assert _count(tmp_path) == 1
    finally:
        storage.close()


def test_a_failed_first_write_settles_waiters_that_came_before_it(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    seen: list[object] = []

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        with storage.transaction():
            storage.when_settled(seen.append)  # a waiter inside the group (a read's answer)
            raise RuntimeError("failed before writing anything")

    try:
        try:
            asyncio.run(scenario())
        except RuntimeError:
            pass
        assert seen == [None]
        assert not storage.conn.in_transaction
        assert storage._group is None
    finally:
        storage.close()


def test_a_write_without_a_savepoint_that_changed_nothing_leaves_its_group(
        tmp_path: Path) -> None:
    """`transaction(savepoint=False)` (PutItem's): failing before its first change, a later
    write of a group undoes nothing in SQLite and the group commits the others."""
    storage = Storage(tmp_path)
    seen: list[object] = []
    repaired: list[str] = []

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        with storage.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('kept', x'')")
        try:
            with storage.transaction(savepoint=False) as conn:
                storage.on_rollback(lambda: repaired.append("unsaved"))
                storage.after_commit(lambda: seen.append("never"))
                conn.execute("SELECT count(*) FROM meta").fetchone()  # a read changes nothing
                conn.execute("UPDATE meta SET value = x'01' WHERE key = 'absent'")
                raise RuntimeError("the condition failed")
        except RuntimeError:
            pass
        with storage.transaction(savepoint=False) as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('kept2', x'')")
        storage.when_settled(seen.append)
        await storage.settle()

    try:
        asyncio.run(scenario())
        keys = [row[0] for row in storage.conn.execute("SELECT key FROM meta ORDER BY key")]
        assert "kept" in keys and "kept2" in keys
        assert seen == [None] and repaired == ["unsaved"]
    finally:
        storage.close()


def test_a_write_without_a_savepoint_failing_after_a_change_rolls_back_its_group(
        tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    seen: list[object] = []
    repaired: list[str] = []

    async def scenario() -> None:
        storage.group_commits(asyncio.get_running_loop())
        with storage.transaction() as conn:
            storage.on_rollback(lambda: repaired.append("first"))
            conn.execute("INSERT INTO meta (key, value) VALUES ('lost', x'')")
        storage.when_settled(seen.append)
        try:
            with storage.transaction(savepoint=False) as conn:
                storage.on_rollback(lambda: repaired.append("unsaved"))
                conn.execute("INSERT INTO meta (key, value) VALUES ('half', x'')")
                raise RuntimeError("a bug after the first change")
        except RuntimeError:
            pass
        assert not storage.conn.in_transaction
        with storage.transaction() as conn:  # a new group
            conn.execute("INSERT INTO meta (key, value) VALUES ('next', x'')")
        await storage.settle()

    try:
        asyncio.run(scenario())
        keys = [row[0] for row in storage.conn.execute("SELECT key FROM meta ORDER BY key")]
        assert "lost" not in keys and "half" not in keys and "next" in keys
        assert len(seen) == 1 and isinstance(seen[0], sqlite3.DatabaseError)
        assert repaired == ["unsaved", "first"]
    finally:
        storage.close()
