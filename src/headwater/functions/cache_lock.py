"""One install at a time into Headwater's cache, across processes: the runtimes' SDKs
(runtime_sdk.py, node_sdk.py) are installed under this lock, into a staging directory renamed
into place, so a directory that exists is whole."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`, held across processes until the block ends."""
    with open(path, "a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
