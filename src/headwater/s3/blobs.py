"""Object bytes in SQLite: a blob is a row of s3_blobs and its 1 MiB chunks, written and
deleted inside the caller's transaction (so an acknowledged PUT is as durable as any other
write, and a crash leaves no orphan files). An object's content is a list of segments
(blob id, size): one for a single PUT, one per part for a completed multipart upload."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

CHUNK = 1024 * 1024
# (blob id, size) pieces of an object's content, in order.
Segments = list[tuple[int, int]]


def write(conn: sqlite3.Connection, data: bytes | memoryview) -> int:
    """Store `data` as a new blob; its id."""
    view = memoryview(data)
    blob = conn.execute("INSERT INTO s3_blobs (size) VALUES (?)", (len(view),)).lastrowid
    assert blob is not None
    conn.executemany("INSERT INTO s3_chunks (blob, seq, data) VALUES (?, ?, ?)",
                     ((blob, seq, bytes(view[start:start + CHUNK]))
                      for seq, start in enumerate(range(0, len(view), CHUNK))))
    return blob


def delete(conn: sqlite3.Connection, blobs: Iterable[int]) -> None:
    ids = [(blob,) for blob in blobs]
    conn.executemany("DELETE FROM s3_chunks WHERE blob = ?", ids)
    conn.executemany("DELETE FROM s3_blobs WHERE id = ?", ids)


def read(conn: sqlite3.Connection, segments: Segments, start: int = 0,
         end: int | None = None) -> bytes:
    """Bytes `start` to `end` (exclusive; None: to the end) of the content."""
    return b"".join(_pieces(conn, segments, start, end))


def _pieces(conn: sqlite3.Connection, segments: Segments, start: int, end: int | None
            ) -> Iterator[bytes]:
    total = sum(size for _, size in segments)
    end = total if end is None else min(end, total)
    offset = 0
    for blob, size in segments:
        if offset >= end:
            break
        if offset + size > start:
            low, high = max(start - offset, 0), min(end - offset, size)
            first, last = low // CHUNK, (high - 1) // CHUNK
            for seq, data in conn.execute(
                    "SELECT seq, data FROM s3_chunks WHERE blob = ? AND seq BETWEEN ? AND ? "
                    "ORDER BY seq", (blob, first, last)):
                base = seq * CHUNK
                yield data[max(low - base, 0):high - base]
        offset += size
