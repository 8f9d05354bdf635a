"""WAL checkpoints off the event loop.

SQLite normally checkpoints inside the COMMIT that pushes the WAL past 1,000 pages: it copies the
WAL into the database file and fsyncs it, on the event-loop thread, stalling every request for
that moment. Headwater turns automatic checkpoints off on its connection and runs passive ones
in a worker thread with its own connection instead; passive checkpoints never block the writer.
It is a background worker (`run()`, `stop()`) the server lifespan runs and restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from pathlib import Path

log = logging.getLogger("headwater.storage")

INTERVAL = 0.25  # seconds between checkpoints
TRUNCATE_PAGES = 65536  # a WAL this long (512 MiB at 8 KB pages) is truncated once copied


class Checkpointer:
    def __init__(self, path: Path, interval: float = INTERVAL) -> None:
        self.path = path
        self.interval = interval
        self._stop = asyncio.Event()

    async def run(self) -> None:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.is_set():
                # Real time, not the clock: this paces disk work, not anything AWS defines.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.interval)
                if not self._stop.is_set():
                    await asyncio.to_thread(self._checkpoint, conn)
        finally:
            conn.close()

    async def stop(self) -> None:
        self._stop.set()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            busy, wal_pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if not busy and wal_pages >= TRUNCATE_PAGES and copied == wal_pages:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            log.exception("WAL checkpoint failed; retrying in %.2f s", self.interval)
