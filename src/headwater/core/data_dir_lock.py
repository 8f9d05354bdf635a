"""The exclusive lock one server holds on its data directory for as long as it runs.

Two servers on one directory would both run every trigger (duplicate deliveries) and both
number stream records (colliding sequence numbers). `flock` on `headwater.lock` keeps the
second one out; the kernel drops the lock when its holder exits, however it exits (SIGKILL
included), so a stale file never blocks a restart. The file holds the holder's PID for the
second server's error message. The descriptor is not inherited by function workers (Python
opens files non-inheritable), so a worker outliving the server cannot keep the lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

LOCK_FILE = "headwater.lock"


class DataDirInUse(Exception):
    """Another process holds the lock; `pid` is its PID when it could be read."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        holder = "another headwater server" + ("" if pid is None else f" (PID {pid})")
        super().__init__(f"the data directory {data_dir} is in use by {holder}")
        self.pid = pid


class DataDirLock:
    """Held from `acquire` until `release` or the end of the process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock at once, or raise DataDirInUse."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise DataDirInUse(self.data_dir, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None


def _read_pid(fd: int) -> int | None:
    # The holder writes its PID just after it takes the lock; a reader racing that write may
    # find the file still empty.
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def clear(data_dir: Path) -> None:
    """Delete everything a server keeps in `data_dir` but the lock (`headwater reset`; the
    caller holds the lock, or is the server that does)."""
    for entry in data_dir.iterdir():
        if entry.name == LOCK_FILE:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
