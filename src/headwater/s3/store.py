"""S3's SQL: buckets, objects, multipart uploads and parts (schema 18). Every function runs on
the caller's connection, inside its transaction for writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

from headwater.s3 import blobs
from headwater.s3.blobs import Segments


@dataclass(frozen=True, slots=True)
class Bucket:
    id: int
    name: str
    account: str
    region: str
    created: float


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    etag: str  # quoted, as S3 sends it
    modified: float
    segments: Segments
    parts: int = 0  # parts of a completed multipart upload (0: a single PUT)
    # Content-Type, Cache-Control, ... as stored with the object (S3 returns them on GET).
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Upload:
    upload_id: str
    bucket_id: int
    key: str
    initiated: float
    headers: dict[str, str]
    metadata: dict[str, str]


@dataclass(frozen=True, slots=True)
class Part:
    number: int
    blob: int
    size: int
    etag: str
    modified: float


# -- buckets -----------------------------------------------------------------------------------

def bucket(conn: sqlite3.Connection, name: str) -> Bucket | None:
    row = conn.execute("SELECT id, name, account, region, created FROM s3_buckets "
                       "WHERE name = ?", (name,)).fetchone()
    return None if row is None else Bucket(*row)


def buckets(conn: sqlite3.Connection, account: str) -> list[Bucket]:
    return [Bucket(*row) for row in conn.execute(
        "SELECT id, name, account, region, created FROM s3_buckets WHERE account = ? "
        "ORDER BY name", (account,))]


def add_bucket(conn: sqlite3.Connection, name: str, account: str, region: str, now: float
               ) -> None:
    conn.execute("INSERT INTO s3_buckets (name, account, region, created) VALUES (?, ?, ?, ?)",
                 (name, account, region, now))


def is_empty(conn: sqlite3.Connection, bucket_id: int) -> bool:
    return conn.execute("SELECT 1 FROM s3_objects WHERE bucket_id = ? LIMIT 1",
                        (bucket_id,)).fetchone() is None


def delete_bucket(conn: sqlite3.Connection, bucket_id: int) -> None:
    for upload_id, in conn.execute("SELECT upload_id FROM s3_uploads WHERE bucket_id = ?",
                                   (bucket_id,)).fetchall():
        delete_upload(conn, upload_id)
    conn.execute("DELETE FROM s3_buckets WHERE id = ?", (bucket_id,))


# -- objects -----------------------------------------------------------------------------------

_OBJECT = "key, size, etag, modified, segments, parts, headers, metadata"


def _object(row: tuple[object, ...]) -> StoredObject:
    key, size, etag, modified, segments, parts, headers, metadata = row
    return StoredObject(str(key), int(str(size)), str(etag), float(str(modified)),
                        [(int(b), int(s)) for b, s in orjson.loads(str(segments))],
                        int(str(parts)), orjson.loads(str(headers)),
                        orjson.loads(str(metadata)))


def get_object(conn: sqlite3.Connection, bucket_id: int, key: str) -> StoredObject | None:
    row = conn.execute(f"SELECT {_OBJECT} FROM s3_objects WHERE bucket_id = ? AND key = ?",
                       (bucket_id, key)).fetchone()
    return None if row is None else _object(row)


def put_object(conn: sqlite3.Connection, bucket_id: int, stored: StoredObject) -> None:
    """Store (or replace) an object; the replaced object's bytes are deleted."""
    delete_object(conn, bucket_id, stored.key)
    conn.execute(
        f"INSERT INTO s3_objects (bucket_id, {_OBJECT}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (bucket_id, stored.key, stored.size, stored.etag, stored.modified,
         orjson.dumps(stored.segments).decode(), stored.parts,
         orjson.dumps(stored.headers).decode(), orjson.dumps(stored.metadata).decode()))


def delete_object(conn: sqlite3.Connection, bucket_id: int, key: str) -> bool:
    """Delete an object and its bytes; whether there was one."""
    found = get_object(conn, bucket_id, key)
    if found is None:
        return False
    conn.execute("DELETE FROM s3_objects WHERE bucket_id = ? AND key = ?", (bucket_id, key))
    blobs.delete(conn, (blob for blob, _ in found.segments))
    return True


def objects_after(conn: sqlite3.Connection, bucket_id: int, after: str, prefix: str
                  ) -> Iterator[StoredObject]:
    """Objects in key order (UTF-8 bytes, as S3 lists them) after `after`, under `prefix`."""
    while True:
        rows = conn.execute(
            f"SELECT {_OBJECT} FROM s3_objects WHERE bucket_id = ? AND key > ? AND key >= ? "
            "ORDER BY key LIMIT 256", (bucket_id, after, prefix)).fetchall()
        for row in rows:
            stored = _object(row)
            if not stored.key.startswith(prefix):
                return
            yield stored
        if len(rows) < 256:
            return
        after = str(rows[-1][0])


# -- multipart uploads -------------------------------------------------------------------------

def add_upload(conn: sqlite3.Connection, upload: Upload) -> None:
    conn.execute("INSERT INTO s3_uploads (upload_id, bucket_id, key, initiated, headers, "
                 "metadata) VALUES (?, ?, ?, ?, ?, ?)",
                 (upload.upload_id, upload.bucket_id, upload.key, upload.initiated,
                  orjson.dumps(upload.headers).decode(), orjson.dumps(upload.metadata).decode()))


def get_upload(conn: sqlite3.Connection, upload_id: str) -> Upload | None:
    row = conn.execute("SELECT upload_id, bucket_id, key, initiated, headers, metadata "
                       "FROM s3_uploads WHERE upload_id = ?", (upload_id,)).fetchone()
    if row is None:
        return None
    return Upload(row[0], row[1], row[2], row[3], orjson.loads(row[4]), orjson.loads(row[5]))


def uploads(conn: sqlite3.Connection, bucket_id: int, prefix: str) -> list[Upload]:
    return [Upload(row[0], row[1], row[2], row[3], orjson.loads(row[4]), orjson.loads(row[5]))
            for row in conn.execute(
                "SELECT upload_id, bucket_id, key, initiated, headers, metadata FROM s3_uploads "
                "WHERE bucket_id = ? AND key >= ? ORDER BY key, initiated", (bucket_id, prefix))
            if str(row[2]).startswith(prefix)]


def parts(conn: sqlite3.Connection, upload_id: str) -> list[Part]:
    return [Part(*row) for row in conn.execute(
        "SELECT number, blob, size, etag, modified FROM s3_parts WHERE upload_id = ? "
        "ORDER BY number", (upload_id,))]


def put_part(conn: sqlite3.Connection, upload_id: str, part: Part) -> None:
    """Store a part, replacing (and deleting the bytes of) an earlier one of its number."""
    old = conn.execute("SELECT blob FROM s3_parts WHERE upload_id = ? AND number = ?",
                       (upload_id, part.number)).fetchone()
    if old is not None:
        blobs.delete(conn, [old[0]])
    conn.execute("INSERT OR REPLACE INTO s3_parts (upload_id, number, blob, size, etag, "
                 "modified) VALUES (?, ?, ?, ?, ?, ?)",
                 (upload_id, part.number, part.blob, part.size, part.etag, part.modified))


def delete_upload(conn: sqlite3.Connection, upload_id: str, keep: frozenset[int] = frozenset()
                  ) -> None:
    """Delete an upload and the bytes of its parts but those whose blobs are in `keep`."""
    blobs.delete(conn, [part.blob for part in parts(conn, upload_id) if part.blob not in keep])
    conn.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
