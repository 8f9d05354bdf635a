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

The common case costs little more than the two statements that store the item and its record:
the source's record is already validated, sized and encoded, so when the target held the same
old item (no conflict) and both streams show NEW_AND_OLD_IMAGES, the target's record is the
source's, reissued with the target's sequence number, time, id and region, and the new item's
size is the record's SizeBytes less its keys and old image. The target's version and old item
come from one statement. Otherwise (a conflict, another view type) the record is built afresh.

The batch and the target's new position commit in one transaction: nothing applied twice,
nothing skipped, across crashes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from headwater.dynamodb import item_store, item_versions, items
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.item_versions import Version
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
    reuse = target.stream_view_type == REUSABLE
    applied = 0
    with runtime.storage.transaction() as conn:
        for _seq, created, blob in rows:
            applied += _apply(runtime, conn, source, target, created, orjson.loads(blob), reuse)
        store.save(conn, source.id, target.id, rows[-1][0])
    return Applied(applied, len(rows) - applied, [row[1] for row in rows])


def _apply(runtime: DynamoDbServices, conn: sqlite3.Connection, source: Table, target: Table,
           created: float, record: dict[str, Any], reuse: bool) -> bool:
    body = record["dynamodb"]
    key = items.encode_key(target, body["Keys"])
    version = Version(created, source.region)
    if record["eventName"] == "REMOVE":
        new = None
    elif "NewImage" in body:
        new = body["NewImage"]
    else:
        new, version = _current(conn, source, key, version)
    held, old, old_size = item_versions.get_with_item(conn, target.id, *key)
    if held is not None and held >= version:
        return False
    replicated, size = None, None
    if reuse and body["StreamViewType"] == REUSABLE and body.get("OldImage") == old and (
            old is not None or new is not None):
        # The change the source recorded is the change the target makes.
        replicated = record
        if new is not None:
            size = body["SizeBytes"] - item_size(body["Keys"]) - old_size
    items.write(runtime, conn, target, key, old, new, size=size, origin=source.region,
                replicated=replicated)
    item_versions.put(conn, target.id, key[0], key[1], version, new is None)
    return True


def _current(conn: sqlite3.Connection, source: Table, key: items.Key, fallback: Version
             ) -> tuple[dict[str, Any] | None, Version]:
    """The source's item as it stands now, with its version (state transfer)."""
    held = item_versions.get(conn, source.id, *key)
    return item_store.get(conn, source.id, *key), fallback if held is None else held
