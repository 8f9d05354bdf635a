"""Which deletion markers the sweeper may delete: only those older than the retention window
that no other replica's unapplied change predates (replication/tombstones.py). In process,
with no background workers: the pairs are applied by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from replicated_runtime import ACCOUNT, EAST, WEST, call, replicated_runtime

from headwater.dynamodb import item_versions, items
from headwater.dynamodb.table import Table
from headwater.replication import store
from headwater.replication.apply import apply_batch
from headwater.replication.tombstones import RETENTION_SECONDS, sweep
from headwater.runtime import Runtime


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    yield from replicated_runtime()


def table(runtime: Runtime, region: str) -> Table:
    found = runtime.tables.find(ACCOUNT, region, "g")
    assert found is not None
    return found


def replicate(runtime: Runtime, source_region: str, target_region: str) -> None:
    source, target = table(runtime, source_region), table(runtime, target_region)
    stream = runtime.streams.current_stream(ACCOUNT, source_region, "g")
    assert stream is not None
    position = store.position(runtime.storage.conn, source.id, target.id)
    assert position is not None
    rows = runtime.streams.local_records_after(stream, position, 1000)
    if rows:
        apply_batch(runtime, source, target, rows)


def markers(runtime: Runtime, region: str) -> int:
    return item_versions.count_tombstones(runtime.storage.conn, table(runtime, region).id)


def item(runtime: Runtime, region: str, pk: str) -> Any:
    target = table(runtime, region)
    return items.read(runtime, target, items.encode_key(target, {"pk": {"S": pk}}))[0]


def test_a_marker_outlives_the_window_while_an_older_change_is_owed(runtime: Runtime) -> None:
    call(runtime, EAST, "PutItem", {"TableName": "g", "Item": {"pk": {"S": "a"}}})
    replicate(runtime, EAST, WEST)
    runtime.clock.advance(1)
    call(runtime, WEST, "PutItem", {"TableName": "g", "Item": {"pk": {"S": "a"}, "v": {"S": "w"}}})
    runtime.clock.advance(1)
    call(runtime, EAST, "DeleteItem", {"TableName": "g", "Key": {"pk": {"S": "a"}}})
    assert markers(runtime, EAST) == 1
    # Within the window nothing goes, whatever the positions.
    assert sweep(runtime, runtime.streams, runtime.clock.now(), 100) == 0
    # Past the window, west's older write is still owed to east: its marker stays.
    now = runtime.clock.advance(RETENTION_SECONDS + 10)
    assert sweep(runtime, runtime.streams, now, 100) == 0
    assert markers(runtime, EAST) == 1
    # ...and does its job: the late, older write does not bring the item back.
    replicate(runtime, WEST, EAST)
    assert item(runtime, EAST, "a") is None
    replicate(runtime, EAST, WEST)
    assert item(runtime, WEST, "a") is None
    assert (markers(runtime, EAST), markers(runtime, WEST)) == (1, 1)
    # Nothing owed any more: both markers go, in chunks of the limit asked.
    assert sweep(runtime, runtime.streams, now, 1) == 1
    assert sweep(runtime, runtime.streams, now, 100) == 1
    assert (markers(runtime, EAST), markers(runtime, WEST)) == (0, 0)


def test_live_items_keep_their_versions(runtime: Runtime) -> None:
    call(runtime, EAST, "PutItem", {"TableName": "g", "Item": {"pk": {"S": "live"}}})
    replicate(runtime, EAST, WEST)
    now = runtime.clock.advance(RETENTION_SECONDS + 10)
    assert sweep(runtime, runtime.streams, now, 100) == 0
    for region in (EAST, WEST):
        target = table(runtime, region)
        key = items.encode_key(target, {"pk": {"S": "live"}})
        assert item_versions.get(runtime.storage.conn, target.id, *key) is not None
