"""The item write path every operation shares (PutItem, UpdateItem, DeleteItem, batches,
transactions, PartiQL, TTL): key checks, size limit, and one write that stores the item and
appends its stream record in the caller's transaction (DESIGN.md principle 2)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from headwater.dynamodb import index_store, item_store, item_versions
from headwater.dynamodb.errors import ValidationException
from headwater.dynamodb.expressions import ast
from headwater.dynamodb.expressions.updates import Update
from headwater.dynamodb.indexes import Index, check_index_keys, index_entry, key_problem
from headwater.dynamodb.item_size import MAX_ITEM_SIZE, item_size
from headwater.dynamodb.keys import (
    check_key_attribute,
    encode_key_value,
    encoded_key_attribute,
)
from headwater.dynamodb.table import Table
from headwater.dynamodb.values import check_value, value_type
from headwater.streams.records import keys_size

if TYPE_CHECKING:
    from headwater.dynamodb.context import DynamoDbServices

INVALID = "One or more parameter values were invalid: "
KEY_MISMATCH = "The provided key element does not match the schema"
TOO_BIG = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_BIG = "Item size to update has exceeded the maximum allowed size"

Key = tuple[bytes, bytes]


def key_from_item(table: Table, item: dict[str, Any]) -> Key:
    """The stored key of an item from PutItem: every key attribute present and well typed."""
    hk = rk = b""
    for name, expected, is_hash in table.key_parts:
        value = item.get(name)
        if value is None:
            raise ValidationException(f"{INVALID}Missing the key {name} in the item")
        if is_hash:
            hk = encoded_key_attribute(name, value, expected, is_hash)
        else:
            rk = encoded_key_attribute(name, value, expected, is_hash)
    return hk, rk


def key_from_request(table: Table, key: dict[str, Any]) -> tuple[dict[str, Any], Key]:
    """A `Key` parameter checked against the schema; returns the normalised key and its bytes."""
    if len(key) != len(table.key_names) or any(name not in key for name in table.key_names):
        raise ValidationException(KEY_MISMATCH)
    normalised = {name: check_value(value) for name, value in key.items()}
    for name, expected, is_hash in table.key_parts:
        value = normalised[name]
        if value_type(value) != expected:
            raise ValidationException(KEY_MISMATCH)
        check_key_attribute(name, value, expected, is_hash)
    return normalised, encode_key(table, normalised)


def encode_key(table: Table, item: dict[str, Any]) -> Key:
    hk = encode_key_value(item[table.hash_name])
    rk = b"" if table.range_name is None else encode_key_value(item[table.range_name])
    return hk, rk


def check_size(item: dict[str, Any], message: str = TOO_BIG) -> int:
    return check_limit(item_size(item), message)


def check_limit(size: int, message: str = TOO_BIG) -> int:
    """An item's size within the 400 KB limit; returns it."""
    if size > MAX_ITEM_SIZE:
        raise ValidationException(message)
    return size


def check_updated(table: Table, new: dict[str, Any], touched: set[str]) -> int:
    """An update's result: its key attributes untouched and its size within the limit (the
    rules UpdateItem, TransactWriteItems and PartiQL UPDATE share); returns the size."""
    check_key_untouched(table, touched)
    return check_size(new, UPDATE_TOO_BIG)


def updated(table: Table, update: Update | None, old: dict[str, Any] | None,
            key_attributes: dict[str, Any], old_size: int | None = None
            ) -> tuple[dict[str, Any] | None, int]:
    """The item UpdateItem (or a transaction's Update) leaves, and its size; None when the item
    stays missing.

    An update of a missing key creates the item, except when every action only takes
    something away (REMOVE, DELETE, AttributeUpdates DELETE): then AWS creates nothing, writes
    no stream record and accepts even nested paths (REMOVE a.b) that are invalid on an
    existing item (scylladb/scylladb#5862 and its test_nested_attribute_remove_from_missing_
    item, both run against DynamoDB). An update with no actions at all creates a key-only item.

    The caller has already refused an update of a key attribute (`check_key_untouched` on
    `update.top_level_names`, before reading the item, as AWS does), so only the size is
    checked here.

    `old_size` is the old item's stored size when the caller has it: an item's size is the
    sum of its top-level attributes' (name and value), so the new size is then the old one
    with the touched attributes' old sizes taken out and their new sizes put in, not a walk
    of the whole item.
    """
    actions = () if update is None else update.node.actions
    if old is None and actions and all(
            isinstance(action, ast.RemoveAction | ast.DeleteAction) for action in actions):
        return None, 0
    if old is None or update is None or old_size is None:
        start = dict(key_attributes) if old is None else old
        new = dict(start) if update is None else update.apply(start)[0]
        return new, check_size(new, UPDATE_TOO_BIG)
    new, touched = update.apply(old)
    size = (old_size - item_size({name: old[name] for name in touched if name in old})
            + item_size({name: new[name] for name in touched if name in new}))
    return new, check_limit(size, UPDATE_TOO_BIG)


def check_key_untouched(table: Table, names: Iterable[str]) -> None:
    """AWS's error for an update of a key attribute, whatever the action: checked before the
    update runs, so `ADD pk :n` on a string key reports the key, not the operand type."""
    touched = set(names)
    for name in table.key_names:
        if name in touched:
            raise ValidationException(
                f"{INVALID}Cannot update attribute {name}. This attribute is part of the key")


def read(runtime: DynamoDbServices, table: Table, key: Key) -> tuple[dict[str, Any] | None, int]:
    """A point read outside a write: the item (None if missing) and its stored size."""
    return item_store.get_sized(runtime.storage.reader(), table.id, key[0], key[1])


def write(
    runtime: DynamoDbServices, conn: sqlite3.Connection, table: Table, key: Key,
    old: dict[str, Any] | None, new: dict[str, Any] | None, *, size: int | None = None,
    old_size: int | None = None, ttl_delete: bool = False, origin: str | None = None,
    replicated: dict[str, Any] | None = None, old_raw: bytes | None = None,
    new_raw: bytes | None = None,
) -> None:
    """Store `new` (None deletes), maintain index entries and append the stream record, all in
    the open transaction.

    On a global table a local write that changes the item also stamps its version (the
    record's time, this region) for last-writer-wins; `origin` marks a replicated write (the
    region it came from), whose version the replicator keeps itself, and `replicated` the
    source replica's stream record when it describes this change too (StreamLog
    record_change reissues it). `size` and `old_size` are the items' sizes when the caller
    knows them (the stream record's SizeBytes).

    `old_raw` is the old item's stored JSON when the caller read the row without decoding it
    (item_store.get_stored; `old_size` is then its stored size): `old` may then be None for
    an item that exists, except on a table with indexes, whose entries need it. The stream
    record embeds both images' stored JSON as it is. `new_raw` says the caller has stored
    `new` already (item_store.insert, over no item), as this JSON."""
    if table.indexes:
        if new is not None and origin is None:
            check_index_keys(table.indexes, new)
        if old is None and old_raw is not None:
            old = orjson.loads(old_raw)
        # A replicated write cannot be refused: an item the source wrote before this replica
        # gained an index whose key it violates stays out of that index, as UpdateTable's
        # backfill leaves it (refusing it would stop the replica pair for good).
        _maintain_indexes(conn, table, key, old, new, lenient=origin is not None)
    if new is None:
        if old is None and old_raw is None:
            return
        item_store.delete(conn, table.id, key[0], key[1])
    else:
        size = item_size(new) if size is None else size
        if new_raw is None:
            new_raw = item_store.put(conn, table.id, key[0], key[1], new, size)
    streams = runtime.streams
    replicated_table = table.replicated
    if not replicated_table:
        stream = streams.current_stream(table.account, table.region, table.name)
        if stream is None:
            return  # no stream record to append
        if (new_raw is not None and (old is None or old_raw is not None) and origin is None
                and replicated is None and not ttl_delete):
            # A local write stored over the item as stored (or none): PutItem's. Both images
            # are at hand as stored JSON, so the record needs neither item walked again.
            assert new is not None and size is not None
            keys = table.key_of(new)
            # A string or binary key's size is its encoding's length (UTF-8, raw bytes).
            names_size = table.key_names_size
            keys_bytes = (keys_size(keys) if names_size is None
                          else names_size + len(key[0]) + len(key[1]))
            streams.record_stored(conn, stream, key[0], keys, keys_bytes, new, new_raw,
                                  size, old_raw, old_size or 0, old=old)
            return
    if new is not None:
        keys = table.key_of(new)
    else:
        if old is None:
            assert old_raw is not None
            old = orjson.loads(old_raw)
        keys = table.key_of(old)
    if old_raw is not None and old_size is None:
        old_size = item_size(old if old is not None else orjson.loads(old_raw))
    stamp = _stamp(runtime, conn, table, key) if origin is None and replicated_table else None
    recorded = streams.record_change(
        conn, table.account, table.region, table.name, key[0], keys, old, new,
        ttl_delete=ttl_delete, new_size=size, old_size=old_size, now=stamp, origin=origin,
        replicated=replicated, old_raw=old_raw, new_raw=new_raw,
    )
    if stamp is not None and recorded:
        item_versions.put(conn, runtime.version_mark, table.id, key[0], key[1],
                          item_versions.Version(stamp, table.region), new is None)


def _stamp(runtime: DynamoDbServices, conn: sqlite3.Connection, table: Table, key: Key
           ) -> float:
    """A local write's last-writer-wins time: the clock's, but always after the version the
    item holds, so a local write wins locally and everywhere even if the wall clock under the
    project clock stepped back (a write that replaced a version must outrank it)."""
    return runtime.version_mark.stamp(conn, table.id, key[0], key[1], runtime.clock.now())


def _maintain_indexes(conn: sqlite3.Connection, table: Table, key: Key,
                      old: dict[str, Any] | None, new: dict[str, Any] | None,
                      lenient: bool = False) -> None:
    """Move the item's entries in each index from `old`'s to `new`'s. `lenient`: an item that
    violates an index's key (type, empty, size) has no entry in it, not an error."""
    for index in table.indexes:
        before = None if old is None else _entry(index, table.key_names, old, lenient)
        after = None if new is None else _entry(index, table.key_names, new, lenient)
        if before is not None and (after is None or after[:2] != before[:2]):
            index_store.delete(conn, table.id, index.name, before[0], before[1], key)
        if after is not None:
            index_store.put(conn, table.id, index.name, after[0], after[1], key, after[2])


def _entry(index: Index, table_keys: tuple[str, ...], item: dict[str, Any], lenient: bool
           ) -> tuple[bytes, bytes, dict[str, Any]] | None:
    if lenient and key_problem(index, item) is not None:
        return None
    return index_entry(index, table_keys, item)
