"""SQLite storage: one connection, WAL, migrations, and group-committed write transactions.

Every call runs on the event-loop thread as one synchronous job, so no `await` can sit inside a
transaction (STYLE.md, aiosqlite lesson) and writes are serialised by construction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from headwater.core.checkpoints import Checkpointer
from headwater.core.schema import MIGRATIONS

DB_FILE = "headwater.sqlite3"
log = logging.getLogger("headwater.storage")
# A group commits when a loop iteration adds no write to it, or when it holds this many.
MAX_GROUP = 64

# The sqlite3 module binds int, float, str and bytearray parameters as they are, but looks
# every other one (bytes: keys, items, records; None) up as something to adapt, and that
# lookup formats and discards an AttributeError each time (~3,000 instructions a parameter,
# 7% of a PutItem with a stream record). A registered adapter is found first: `bytes` returns
# a bytes object itself, an empty dict's `get` gives None back. Both are bound as before.
sqlite3.register_adapter(bytes, bytes)
sqlite3.register_adapter(type(None), cast("Callable[[None], None]", {}.get))


def _owner_only(data_dir: Path) -> None:
    """The data directory 0700 and the database files 0600 (SQLite gives its -wal and -shm
    files the database's mode): they hold every account's data."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    os.close(os.open(data_dir / DB_FILE, os.O_CREAT | os.O_RDWR, 0o600))
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(data_dir / f"{DB_FILE}{suffix}", 0o600)


def physical_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (ValueError, OSError):
        return None


def default_cache_mb() -> int:
    """SQLite's page cache: an eighth of the machine's memory, between 64 MB (SQLite's own
    default here before) and 1 GB. With the database also memory-mapped this mostly holds
    pages read from the WAL and pages being changed; reads of the database file itself are
    served from the mapping, so the OS page cache is the one big cache."""
    memory = physical_memory_mb()
    return 64 if memory is None else max(64, min(1024, memory // 8))


# How much of the database file is read through a memory mapping rather than pread (SQLite
# caps it at its compile-time limit, 2 GB in common builds; the rest of a bigger file is
# read the ordinary way). A GetItem then costs no read syscall whatever the file's size.
DEFAULT_MMAP_MB = 64 * 1024


class Storage:
    def __init__(self, data_dir: Path | None, durability: str = "normal",
                 cache_mb: int | None = None, mmap_mb: int | None = None, *,
                 read_only: bool = False) -> None:
        """`read_only`: a connection to the database another process owns (a serving
        process's, docs/multicore.md) that never writes (`query_only`): no migration, no
        checkpoints, the files' modes left as the owner set them."""
        if data_dir is None:
            target = ":memory:"
        else:
            if not read_only:
                _owner_only(data_dir)
            target = str(data_dir / DB_FILE)
        self.data_dir = data_dir
        self.conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        # SQLite's default 4 KB pages: a commit writes every page it touched to the WAL, and
        # with items and stream records appended to rowid tables (schema 9, 10) most touched
        # pages are partly new, so smaller pages mean fewer WAL bytes per write.
        # Run by the server lifespan (runtime.workers()); None in memory.
        self.checkpointer: Checkpointer | None = None
        if read_only:
            self.conn.execute("PRAGMA query_only=ON")
        elif data_dir is not None:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA wal_autocheckpoint=0")
            self.checkpointer = Checkpointer(data_dir / DB_FILE)
        synchronous = "FULL" if durability == "full" else "NORMAL"
        self.conn.execute(f"PRAGMA synchronous={synchronous}")
        self.conn.execute("PRAGMA foreign_keys=ON")
        # cache_size in KiB when negative; mmap_size in bytes (ignored by :memory:).
        cache_kib = (default_cache_mb() if cache_mb is None else cache_mb) * 1024
        self.conn.execute(f"PRAGMA cache_size=-{max(cache_kib, 1024)}")
        if data_dir is not None:
            mmap_bytes = (DEFAULT_MMAP_MB if mmap_mb is None else mmap_mb) * 1024 * 1024
            self.conn.execute(f"PRAGMA mmap_size={mmap_bytes}")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._on_rollback: list[Callable[[], object]] = []
        self._group: _Group | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reading = False  # a read transaction is open (`reader`)
        self._read_this_turn = False  # `reader` was used in this loop iteration
        if not read_only:
            self.migrate()

    def migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def group_commits(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Group the transactions made on `loop`'s thread (None: each commits alone)."""
        self._loop = loop
        # A loop that stopped may never have run the last _turn_ended: start a fresh turn.
        self._read_this_turn = False

    def reader(self) -> sqlite3.Connection:
        """The connection for a point read outside a write (GetItem's).

        On its own each read is a transaction, and in WAL mode that costs two `fcntl` calls
        (take and drop a read mark on the -shm file). Once `group_commits(loop)` is on, the
        reads of one loop iteration after its first share one read transaction instead, ended
        at the next iteration or by the next write, whichever comes first. The first read is
        its own transaction: a lone read (one client's request after another) would otherwise
        pay a BEGIN and a COMMIT, ~12,000 instructions, to save nothing. They see every write
        this process made (the same connection), and no other process writes: the data
        directory lock (data_dir_lock.py) admits one server, and its checkpointer only
        checkpoints.
        """
        conn = self.conn
        if self._loop is not None and not conn.in_transaction:
            if self._read_this_turn:
                conn.execute("BEGIN")  # ended by the first read's _turn_ended
                self._reading = True
            else:
                self._read_this_turn = True
                self._loop.call_soon(self._turn_ended)
        return conn

    def _turn_ended(self) -> None:
        self._read_this_turn = False
        self._end_read()

    def _end_read(self) -> None:
        if self._reading:
            self._reading = False
            if self._group is None and self.conn.in_transaction:
                self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self, savepoint: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested uses join the outer one.

        Once `group_commits(loop)` is on, consecutive transactions share a single SQLite
        transaction (group commit): each is a savepoint, so its failure undoes only its own
        changes, and the group commits once a loop iteration adds no write to it (requests that
        arrive meanwhile join it). Answers wait for `when_settled()` or `settle()`, so nothing
        is acknowledged before it is committed.

        `savepoint=False` is for a write that raises its expected errors (a failed condition,
        a bad value) before its first change: it then runs without a savepoint, which spares
        SQLite copying every page it touches into the sub-journal (~30,000 instructions for a
        PutItem with a stream record). If it fails having changed nothing, the group goes on
        as with a savepoint; if it fails after a change (a bug, an I/O error), the whole group
        is rolled back and every write in it answered with the error, none acknowledged.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        loop = self._loop
        if loop is None:
            with self._alone():
                yield self.conn
            return
        # Grouped (inline rather than a second generator: this runs for every write).
        conn = self.conn
        group = self._group
        if group is not None and not conn.in_transaction:
            self._fail_group(sqlite3.DatabaseError("the group's transaction was rolled back"))
            group = None
        changes = -1
        if group is None:
            # The group's first write needs no savepoint: the transaction holds nothing else,
            # so undoing the write is rolling the transaction back and ending the group (two
            # statements fewer for a lone write, the usual case of one client at a time).
            self._end_read()
            conn.execute("BEGIN IMMEDIATE")
            group = self._group = _Group(loop.create_future())
            loop.call_soon(self._commit_when_quiet, loop, 0)
            first = True
        else:
            first = False
            if savepoint:
                conn.execute("SAVEPOINT hw_write")
            else:
                changes = conn.total_changes
        group.writes += 1
        self._depth = 1
        try:
            yield conn
        except BaseException:
            if first:
                self._undo_first(group)
            elif savepoint:
                self._undo("ROLLBACK TO hw_write", "RELEASE hw_write")
            else:
                self._undo_unsaved(changes)
            raise
        if savepoint and not first:
            conn.execute("RELEASE hw_write")
        self._depth = 0
        if self._after_commit:
            group.after_commit.extend(self._take_after_commit())
        if self._on_rollback:
            group.on_rollback.extend(self._take_rollback())

    @contextmanager
    def _alone(self) -> Iterator[None]:
        self._end_read()
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._undo("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")
        self._on_rollback.clear()
        self._run(self._take_after_commit())

    def _undo_first(self, group: _Group) -> None:
        """Undo a group's first write, which no savepoint holds: roll the transaction back
        and end the group as if it had committed nothing (reads made meanwhile saw only
        committed data; later writes start a new group)."""
        self._undo("ROLLBACK")
        if self._group is group:
            self._group = None
            group.done.set_result(None)
            _tell(group.settled, None)

    def _undo_unsaved(self, changes: int) -> None:
        """Undo a failed write that ran without a savepoint in a group: nothing to do in
        SQLite when it changed no row (`total_changes` counts every row an INSERT, UPDATE or
        DELETE changed); otherwise the group's transaction is rolled back with it."""
        self._undo()
        if self.conn.total_changes != changes and self._group is not None:
            self._fail_group(sqlite3.DatabaseError(
                "a write without a savepoint failed after changing the database: its group "
                "was rolled back"))

    def _undo(self, *statements: str) -> None:
        """Roll back the failed write and repair what it changed in memory."""
        self._depth = 0
        self._after_commit.clear()
        # Some errors (a full disk, I/O errors) make SQLite roll back the whole transaction:
        # then there is no savepoint left, and every write of the group is lost with it.
        lost = not self.conn.in_transaction
        if not lost:
            for statement in statements:
                self.conn.execute(statement)
        self._run(self._take_rollback())
        if lost and self._group is not None:
            self._fail_group(sqlite3.DatabaseError("the group's transaction was rolled back"))

    def _commit_when_quiet(self, loop: asyncio.AbstractEventLoop, seen: int) -> None:
        group = self._group
        if group is not None and group.writes != seen and group.writes < MAX_GROUP:
            loop.call_soon(self._commit_when_quiet, loop, group.writes)
            return
        self._commit_group()

    def _commit_group(self) -> None:
        group, self._group = self._group, None
        if group is None:
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            log.exception("group commit failed")
            self._group = group
            self._fail_group(error)
            return
        self._run(group.after_commit)
        group.done.set_result(None)
        _tell(group.settled, None)

    def _fail_group(self, error: BaseException) -> None:
        """End the group as rolled back: repair memory, fail its waiters (their writes are
        not acknowledged)."""
        group, self._group = self._group, None
        if group is None:
            return
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self._run(list(reversed(group.on_rollback)))
        group.done.set_exception(error)
        group.done.exception()  # retrieved: waiters re-raise it themselves
        _tell(group.settled, error)

    def when_settled(self, callback: Callable[[BaseException | None], None]) -> None:
        """Call `callback` once every write made so far is committed, with None, or with the
        error if the commit failed; at once when nothing is pending."""
        if self._group is None:
            callback(None)
        else:
            self._group.settled.append(callback)

    async def settle(self) -> None:
        """Wait until every write made so far is committed (raises if the commit failed)."""
        if self._group is not None:
            # Shielded: a cancelled request must not cancel the commit others wait on.
            await asyncio.shield(self._group.done)

    def _take_after_commit(self) -> list[Callable[[], None]]:
        callbacks, self._after_commit = self._after_commit, []
        return callbacks

    def _take_rollback(self) -> list[Callable[[], object]]:
        callbacks, self._on_rollback = self._on_rollback, []
        return callbacks

    @staticmethod
    def _run(callbacks: list[Callable[[], object]] | list[Callable[[], None]]) -> None:
        for callback in callbacks:
            try:
                callback()
            except Exception:  # one failing callback must not skip the others
                log.exception("storage callback failed")

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
        self._end_read()
        self._commit_group()
        self.conn.close()


@dataclass(slots=True)
class _Group:
    """The SQLite transaction shared by consecutive writes (group commit)."""

    done: asyncio.Future[None]
    writes: int = 0
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    on_rollback: list[Callable[[], object]] = field(default_factory=list)
    settled: list[Callable[[BaseException | None], None]] = field(default_factory=list)


def _tell(waiters: list[Callable[[BaseException | None], None]],
          error: BaseException | None) -> None:
    """Call every waiter; one that fails (a broken connection) must not starve the others."""
    for waiter in waiters:
        try:
            waiter(error)
        except Exception:
            log.exception("a commit waiter failed")
