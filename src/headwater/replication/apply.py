"""Applying a source replica's stream records to a target replica: last writer wins.

Each record of a local write carries its version: the time the source's stream received it
(the write's clock time) and the source's region. The target applies it only when that version
is later than the version it holds for the item (`dynamodb/item_versions.py`: later time wins,
a tie goes to the greater region name), through DynamoDB's shared write path with `origin` set,
so its own stream shows the change and the change is not sent on again. A record that loses is
skipped: the winner's own record reaches every replica. Deletes leave a versioned tombstone, so
an older update cannot revive a deleted item. Records of replicated writes (origin set) are never
forwarded: each write travels once, from its own region to every other.

A record without a new image (a source stream of another view type than NEW_AND_OLD_IMAGES,
which AWS accepts) is applied by state transfer: the source's current item and version, which
converge the same way.

The common case costs little more than storing the item and its record: the source's record
is already validated, sized and encoded, so when the target held the same old item (no
conflict) and both streams show NEW_AND_OLD_IMAGES, the target's record is the source's,
reissued with the target's sequence number, time, id and region, and the new item's size is
the record's SizeBytes less its keys and old image. A batch reads the versions and old items
of all its keys in one statement (chunks of 16) and, when the target has no indexes, writes
its items, versions and records a statement each (the last state of each item, every record).
Otherwise (a conflict, another view type, indexes to maintain) the change goes through the
shared write path with the record built afresh or reissued, as before.

The batch and the target's new position commit in one transaction: nothing applied twice,
nothing skipped, across crashes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from headwater.dynamodb import item_store, item_versions, items
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.item_versions import Held, Version
from headwater.dynamodb.table import Table
from headwater.replication import store

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices

Row = tuple[int, float, bytes]  # a local record of the source: (seq, created, record JSON)
REUSABLE = "NEW_AND_OLD_IMAGES"


@dataclass(slots=True)
class Applied:
    """What one batch did: records applied, records that lost to a later write, and the
    creation time of each record handled (for ReplicationLatency)."""

    applied: int = 0
    superseded: int = 0
    created: list[float] = field(default_factory=list)


def apply_batch(runtime: DynamoDbServices, source: Table, target: Table, rows: list[Row]
                ) -> Applied:
    """Apply `rows` (the source's local records, in sequence order) to `target` and move the
    pair's position past them."""
    records = [orjson.loads(blob) for _seq, _created, blob in rows]
    # With its savepoint (Storage.transaction), unlike PutItem and the other request writes:
    # a batch applies many changes one after another, and one can fail after others were
    # written (items.write checks the target's index keys as it writes each change, and an
    # index the group gained after the source wrote an item can refuse it). Without a
    # savepoint that failure would roll back the whole group commit, and the worker retries
    # the same batch from its durable position again and again: every retry would then fail
    # the clients' writes grouped with it. The position commits with the batch either way,
    # so nothing would be applied twice; what the savepoint keeps is the clients' writes.
    with runtime.storage.transaction() as conn:
        batch = _Batch(runtime, conn, source, target)
        applied = batch.apply(records, [row[1] for row in rows])
        store.save(conn, source.id, target.id, rows[-1][0])
    return Applied(applied, len(rows) - applied, [row[1] for row in rows])


class _Batch:
    """One batch's changes to the target. `held` caches each key's version, stored item
    bytes and size as the batch leaves them; in the common case the writes wait in
    `items`, `versions` and `records` and go out a statement each (`flush`), before any
    change that takes the shared write path and at the end."""

    def __init__(self, runtime: DynamoDbServices, conn: sqlite3.Connection, source: Table,
                 target: Table) -> None:
        self.runtime, self.conn, self.source, self.target = runtime, conn, source, target
        self.reuse = target.stream_view_type == REUSABLE
        self.direct = self.reuse and not target.indexes
        self.held: dict[items.Key, Held] = {}
        self.items: dict[items.Key, tuple[bytes | None, int]] = {}  # new bytes (None: deleted)
        self.versions: dict[items.Key, tuple[float, str, bool]] = {}
        self.records: list[tuple[bytes, dict[str, Any]]] = []

    def apply(self, records: list[dict[str, Any]], created: list[float]) -> int:
        keys = [items.encode_key(self.target, record["dynamodb"]["Keys"]) for record in records]
        self.held = item_versions.get_many_with_items(self.conn, self.target.id, keys)
        applied = 0
        for record, key, when in zip(records, keys, created, strict=True):
            applied += self._apply(record, key, Version(when, self.source.region))
        self.flush()
        return applied

    def _apply(self, record: dict[str, Any], key: items.Key, version: Version) -> bool:
        body = record["dynamodb"]
        transfer = False
        if record["eventName"] == "REMOVE":
            new = None
        elif "NewImage" in body:
            new = body["NewImage"]
        else:
            new, version = _current(self.conn, self.source, key, version)
            transfer = True
        held, old_bytes, old_size = self._held(key)
        if held is not None and held >= version:
            return False
        same = self.reuse and not transfer and body["StreamViewType"] == REUSABLE and _same_old(
            body.get("OldImage"), old_bytes)
        if same and self.direct:
            self._defer(record, key, version, new, old_size)
            return True
        self.flush()
        old = None if old_bytes is None else orjson.loads(old_bytes)
        replicated, size = None, None
        if same and (old is not None or new is not None):
            # The change the source recorded is the change the target makes.
            replicated = record
            if new is not None:
                size = body["SizeBytes"] - item_size(body["Keys"]) - old_size
        items.write(self.runtime, self.conn, self.target, key, old, new, size=size,
                    origin=self.source.region, replicated=replicated)
        item_versions.put(self.conn, self.runtime.version_mark, self.target.id, key[0], key[1],
                          version, new is None)
        self.held.pop(key, None)  # read again if the batch changes it once more
        return True

    def _held(self, key: items.Key) -> Held:
        held = self.held.get(key)
        if held is None:
            held = item_versions.get_many_with_items(self.conn, self.target.id, [key])[key]
            self.held[key] = held
        return held

    def _defer(self, record: dict[str, Any], key: items.Key, version: Version,
               new: dict[str, Any] | None, old_size: int) -> None:
        """The common case, without the shared write path's general work: the target has
        no indexes and held the source's old item, so the change is the source's record:
        the item stored (or deleted) as its new image, sized from the record, and the record
        reissued in the target's stream (what items.write does with `replicated`)."""
        body = record["dynamodb"]
        if new is None:
            encoded, size = None, 0
        else:
            encoded = orjson.dumps(new)
            size = body["SizeBytes"] - item_size(body["Keys"]) - old_size
        self.items[key] = (encoded, size)
        self.versions[key] = (version.written, version.region, new is None)
        self.records.append((key[0], record))
        self.held[key] = (version, encoded, size)

    def flush(self) -> None:
        """Write the deferred changes: each item's last state, versions, records in order."""
        if not self.records:
            return
        target, conn = self.target, self.conn
        item_store.put_many_encoded(conn, target.id, [
            (hk, rk, encoded, size) for (hk, rk), (encoded, size) in self.items.items()
            if encoded is not None])
        item_store.delete_many(conn, target.id, [
            key for key, (encoded, _size) in self.items.items() if encoded is None])
        item_versions.put_many(conn, self.runtime.version_mark, target.id, [
            (hk, rk, *version) for (hk, rk), version in self.versions.items()])
        self.runtime.streams.record_reissued(conn, target.account, target.region, target.name,
                                            self.records, origin=self.source.region)
        self.items, self.versions, self.records = {}, {}, []


def _same_old(image: dict[str, Any] | None, stored: bytes | None) -> bool:
    """Whether the source's old image is the item the target holds: the stored bytes
    compared first (equal when both replicas stored the same write), the decoded item when
    they differ (the same attributes in another order)."""
    if image is None or stored is None:
        return image is None and stored is None
    return orjson.dumps(image) == stored or orjson.loads(stored) == image


def _current(conn: sqlite3.Connection, source: Table, key: items.Key, fallback: Version
             ) -> tuple[dict[str, Any] | None, Version]:
    """The source's item as it stands now, with its version (state transfer)."""
    held = item_versions.get(conn, source.id, *key)
    return item_store.get(conn, source.id, *key), fallback if held is None else held
