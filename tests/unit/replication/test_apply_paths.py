"""Applying a batch of replicated changes (replication/apply.py): the common case (target
without indexes, same old item, NEW_AND_OLD_IMAGES on both sides) writes a batch's items,
versions and records a statement each; everything else takes the shared write path. These
tests drive both sides of that boundary and check the target against the source: items,
stored sizes, versions, index entries and the target's stream records. In process, with no
background workers: the pairs are applied by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from replicated_runtime import ACCOUNT, EAST, WEST, call, replicated_runtime

from headwater.dynamodb import item_store, item_versions, items
from headwater.dynamodb.item_size import item_size
from headwater.dynamodb.table import Table
from headwater.replication import store
from headwater.replication.apply import Applied, apply_batch
from headwater.runtime import Runtime
from headwater.streams import store as stream_store


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    yield from replicated_runtime()


def table(runtime: Runtime, region: str, name: str = "g") -> Table:
    found = runtime.tables.find(ACCOUNT, region, name)
    assert found is not None
    return found


def replicate(runtime: Runtime, source_region: str, target_region: str, name: str = "g"
              ) -> Applied:
    """Apply everything the source owes the target, as one batch."""
    source, target = table(runtime, source_region, name), table(runtime, target_region, name)
    stream = runtime.streams.current_stream(ACCOUNT, source_region, name)
    assert stream is not None
    position = store.position(runtime.storage.conn, source.id, target.id)
    assert position is not None
    rows = runtime.streams.local_records_after(stream, position, 1000)
    assert rows
    return apply_batch(runtime, source, target, rows)


def records(runtime: Runtime, region: str, name: str = "g") -> list[dict[str, Any]]:
    """Every record of the table's stream, in sequence order."""
    stream = runtime.streams.current_stream(ACCOUNT, region, name)
    assert stream is not None
    rows = [row for shard in runtime.streams.shards_of(stream)
            for row in stream_store.read_records(runtime.storage.conn, shard.pk, 0, 10_000)]
    return [orjson.loads(blob) for _seq, _created, blob in sorted(rows)]


def stored(runtime: Runtime, region: str, name: str = "g") -> dict[bytes, tuple[Any, int]]:
    """Every item of the table as stored: hash key -> (item, stored size)."""
    found = table(runtime, region, name)
    return {hk: (item, size) for hk, _rk, item, size in
            item_store.scan_all(runtime.storage.conn, found.id)}


def versions(runtime: Runtime, region: str, keys: list[str], name: str = "g"
             ) -> list[item_versions.Version | None]:
    found = table(runtime, region, name)
    return [item_versions.get(runtime.storage.conn, found.id,
                              *items.encode_key(found, {"pk": {"S": key}})) for key in keys]


def change(record: dict[str, Any]) -> tuple[Any, ...]:
    """What a record says about the change, not where or when it was recorded."""
    body = record["dynamodb"]
    return (record["eventName"], body["Keys"], body.get("NewImage"), body.get("OldImage"),
            body["SizeBytes"], body["StreamViewType"], record.get("userIdentity"))


def put(runtime: Runtime, region: str, item: dict[str, Any], name: str = "g") -> None:
    call(runtime, region, "PutItem", {"TableName": name, "Item": item})


def test_several_changes_to_one_item_in_one_batch(runtime: Runtime) -> None:
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"N": "1"}})
    put(runtime, EAST, {"pk": {"S": "b"}, "s": {"SS": ["x", "y"]}})
    call(runtime, EAST, "UpdateItem", {"TableName": "g", "Key": {"pk": {"S": "a"}},
                                       "UpdateExpression": "SET w = :w",
                                       "ExpressionAttributeValues": {":w": {"S": "z" * 300}}})
    call(runtime, EAST, "DeleteItem", {"TableName": "g", "Key": {"pk": {"S": "b"}}})
    put(runtime, EAST, {"pk": {"S": "b"}, "again": {"BOOL": True}})
    call(runtime, EAST, "DeleteItem", {"TableName": "g", "Key": {"pk": {"S": "a"}}})
    put(runtime, EAST, {"pk": {"S": "c"}, "l": {"L": [{"M": {"k": {"NULL": True}}}]}})
    result = replicate(runtime, EAST, WEST)
    assert (result.applied, result.superseded) == (7, 0)
    west = stored(runtime, WEST)
    assert west == stored(runtime, EAST)
    assert all(size == item_size(item) for item, size in west.values())
    assert [change(r) for r in records(runtime, WEST)] == [
        change(r) for r in records(runtime, EAST)]
    assert versions(runtime, WEST, ["a", "b", "c"]) == versions(runtime, EAST, ["a", "b", "c"])
    # The deleted item left its tombstone in the target too.
    assert item_versions.count_tombstones(runtime.storage.conn, table(runtime, WEST).id) == 1
    # Nothing is sent back: the target's records are replicated ones.
    west_stream = runtime.streams.current_stream(ACCOUNT, WEST, "g")
    assert west_stream is not None
    assert runtime.streams.local_records_after(west_stream, 0, 100) == []


def test_an_old_item_stored_in_another_attribute_order_still_matches(runtime: Runtime) -> None:
    put(runtime, EAST, {"pk": {"S": "a"}, "x": {"N": "1"}, "y": {"S": "two"}})
    replicate(runtime, EAST, WEST)
    west = table(runtime, WEST)
    key = items.encode_key(west, {"pk": {"S": "a"}})
    held, size = items.read(runtime, west, key)
    assert held is not None
    reordered = dict(reversed(list(held.items())))
    assert orjson.dumps(reordered) != orjson.dumps(held)
    with runtime.storage.transaction() as conn:
        item_store.put(conn, west.id, key[0], key[1], reordered, size)
    put(runtime, EAST, {"pk": {"S": "a"}, "x": {"N": "2"}})
    replicate(runtime, EAST, WEST)
    last = records(runtime, WEST)[-1]
    assert change(last) == change(records(runtime, EAST)[-1])
    assert stored(runtime, WEST) == stored(runtime, EAST)


def test_a_different_old_item_gets_a_record_of_its_own(runtime: Runtime) -> None:
    """The target changed the item itself earlier (an older write, not yet sent): the
    source's later write wins, and the target's record shows the target's own old item."""
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"S": "first"}})
    replicate(runtime, EAST, WEST)
    runtime.clock.advance(1)
    put(runtime, WEST, {"pk": {"S": "a"}, "v": {"S": "west"}})
    runtime.clock.advance(1)
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"S": "east"}, "n": {"N": "3"}})
    put(runtime, EAST, {"pk": {"S": "b"}})
    result = replicate(runtime, EAST, WEST)
    assert (result.applied, result.superseded) == (2, 0)
    modify, insert = records(runtime, WEST)[-2:]
    assert modify["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"S": "west"}}
    new = {"pk": {"S": "a"}, "v": {"S": "east"}, "n": {"N": "3"}}
    assert modify["dynamodb"]["NewImage"] == new
    assert modify["dynamodb"]["SizeBytes"] == item_size(
        {"pk": {"S": "a"}}) + item_size(new) + item_size({"pk": {"S": "a"}, "v": {"S": "west"}})
    assert change(insert) == change(records(runtime, EAST)[-1])
    # West's own write reaches east and loses there: both converge on east's.
    result = replicate(runtime, WEST, EAST)
    assert (result.applied, result.superseded) == (0, 1)
    assert stored(runtime, WEST) == stored(runtime, EAST)


def test_a_losing_record_in_the_middle_of_a_batch(runtime: Runtime) -> None:
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"S": "east"}})
    put(runtime, EAST, {"pk": {"S": "b"}, "v": {"S": "east"}})
    runtime.clock.advance(1)
    put(runtime, WEST, {"pk": {"S": "a"}, "v": {"S": "west, later"}})
    put(runtime, EAST, {"pk": {"S": "c"}})
    result = replicate(runtime, EAST, WEST)
    assert (result.applied, result.superseded) == (2, 1)
    west = table(runtime, WEST)
    held = items.read(runtime, west, items.encode_key(west, {"pk": {"S": "a"}}))[0]
    assert held == {"pk": {"S": "a"}, "v": {"S": "west, later"}}
    replicate(runtime, WEST, EAST)
    assert stored(runtime, WEST) == stored(runtime, EAST)
    assert len(stored(runtime, WEST)) == 3


def global_table(runtime: Runtime, name: str, **extra: Any) -> None:
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if "GlobalSecondaryIndexes" in extra:
        definitions.append({"AttributeName": "g", "AttributeType": "S"})
    call(runtime, EAST, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": definitions, **extra})
    call(runtime, EAST, "UpdateTable", {
        "TableName": name, "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]})


def index_keys(runtime: Runtime, region: str, name: str, value: str) -> list[str]:
    answer = call(runtime, region, "Query", {
        "TableName": name, "IndexName": "byG", "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": value}}})
    return sorted(found["pk"]["S"] for found in answer["Items"])


def test_a_target_with_an_index_keeps_its_entries(runtime: Runtime) -> None:
    global_table(runtime, "gi", GlobalSecondaryIndexes=[{
        "IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])
    for key, value in (("a", "one"), ("b", "one"), ("c", "two")):
        put(runtime, EAST, {"pk": {"S": key}, "g": {"S": value}}, "gi")
    put(runtime, EAST, {"pk": {"S": "b"}, "g": {"S": "two"}}, "gi")
    call(runtime, EAST, "DeleteItem", {"TableName": "gi", "Key": {"pk": {"S": "c"}}})
    put(runtime, EAST, {"pk": {"S": "d"}}, "gi")  # no index key: no entry
    replicate(runtime, EAST, WEST, "gi")
    assert index_keys(runtime, WEST, "gi", "one") == ["a"]
    assert index_keys(runtime, WEST, "gi", "two") == ["b"]
    assert stored(runtime, WEST, "gi") == stored(runtime, EAST, "gi")
    assert [change(r) for r in records(runtime, WEST, "gi")] == [
        change(r) for r in records(runtime, EAST, "gi")]


@pytest.mark.parametrize("view_type", ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE"])
def test_a_source_stream_without_both_images(runtime: Runtime, view_type: str) -> None:
    """A source stream of another view type: records without a new image are applied by
    state transfer (the source's item as it stands, with its version: the first such record
    of an item brings its last state, the later ones lose to it), the rest as usual."""
    name = f"g-{view_type.lower()}"
    global_table(runtime, name, StreamSpecification={"StreamEnabled": True,
                                                     "StreamViewType": view_type})
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"N": "1"}}, name)
    put(runtime, EAST, {"pk": {"S": "a"}, "v": {"N": "2"}}, name)
    put(runtime, EAST, {"pk": {"S": "b"}}, name)
    call(runtime, EAST, "DeleteItem", {"TableName": name, "Key": {"pk": {"S": "b"}}})
    replicate(runtime, EAST, WEST, name)
    assert stored(runtime, WEST, name) == stored(runtime, EAST, name)
    assert versions(runtime, WEST, ["a", "b"], name) == versions(runtime, EAST, ["a", "b"],
                                                                  name)
    assert [r["eventName"] for r in records(runtime, WEST, name)] == (
        ["INSERT", "MODIFY", "INSERT", "REMOVE"] if view_type == "NEW_IMAGE" else ["INSERT"])
