"""A bucket's keys as S3 lists them: in UTF-8 binary order, under a prefix, after a marker,
keys sharing the part up to the next delimiter rolled into one CommonPrefix, at most max-keys
entries (keys and common prefixes together) a page. Shared by ListObjects and
ListObjectsV2."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from headwater.s3 import store
from headwater.s3.store import StoredObject

MAX_KEYS = 1000
# Past every key that starts with a given common prefix (the largest code point).
BEYOND = "\U0010ffff"


@dataclass(slots=True)
class Page:
    objects: list[StoredObject]
    prefixes: list[str]
    truncated: bool
    last: str  # the last key or common prefix listed ("" when none)


def page(conn: sqlite3.Connection, bucket_id: int, prefix: str, delimiter: str, after: str,
         max_keys: int) -> Page:
    objects: list[StoredObject] = []
    prefixes: list[str] = []
    last = ""
    entries = _entries(conn, bucket_id, prefix, delimiter, after)
    for entry in entries:
        if len(objects) + len(prefixes) >= max_keys:
            return Page(objects, prefixes, True, last)
        if isinstance(entry, str):
            prefixes.append(entry)
            last = entry
        else:
            objects.append(entry)
            last = entry.key
    return Page(objects, prefixes, False, last)


def _entries(conn: sqlite3.Connection, bucket_id: int, prefix: str, delimiter: str,
             after: str) -> Iterator[StoredObject | str]:
    while True:
        rolled = None
        for stored in store.objects_after(conn, bucket_id, after, prefix):
            cut = stored.key.find(delimiter, len(prefix)) if delimiter else -1
            if cut < 0:
                yield stored
                after = stored.key
                continue
            rolled = stored.key[:cut + len(delimiter)]
            break
        if rolled is None:
            return
        if not (after.startswith(rolled) or after == rolled):
            yield rolled
        after = rolled + BEYOND


def encoded(text: str, encoding: str | None) -> str:
    """A key, prefix or marker as the response gives it (EncodingType=url: URL-encoded)."""
    return quote(text, safe="/~") if encoding == "url" else text
