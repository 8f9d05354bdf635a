"""A pair whose source stream gathers only replicated writes has its position moved past
them (Replicator.advance_idle), so counts and reads after it stay short; a pair that still
owes a local write keeps its position."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from replicated_runtime import ACCOUNT, EAST, WEST, call, replicated_runtime

from headwater.replication import store
from headwater.replication.apply import apply_batch
from headwater.runtime import Runtime


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    yield from replicated_runtime()


def ids(runtime: Runtime) -> tuple[int, int]:
    east = runtime.tables.find(ACCOUNT, EAST, "g")
    west = runtime.tables.find(ACCOUNT, WEST, "g")
    assert east is not None and west is not None
    return east.id, west.id


def test_idle_reverse_pair_moves_past_replicated_records(runtime: Runtime) -> None:
    east_id, west_id = ids(runtime)
    for number in range(5):
        call(runtime, EAST, "PutItem", {"TableName": "g", "Item": {"pk": {"S": f"k{number}"}}})
    east, west = runtime.tables.find(ACCOUNT, EAST, "g"), runtime.tables.find(ACCOUNT, WEST, "g")
    assert east is not None and west is not None
    stream = runtime.streams.current_stream(ACCOUNT, EAST, "g")
    assert stream is not None
    conn = runtime.storage.conn
    apply_batch(runtime, east, west, runtime.streams.local_records_after(
        stream, store.position(conn, east_id, west_id) or 0, 100))
    before = store.position(conn, west_id, east_id)
    assert before is not None and before < runtime.streams.sequence
    # A local write in west is still owed to east: nothing moves.
    call(runtime, WEST, "PutItem", {"TableName": "g", "Item": {"pk": {"S": "w"}}})
    runtime.replicator.advance_idle()
    assert store.position(conn, west_id, east_id) == before
    # Once applied, west's stream holds only replicated writes after it: the position moves on.
    west_stream = runtime.streams.current_stream(ACCOUNT, WEST, "g")
    assert west_stream is not None
    apply_batch(runtime, west, east, runtime.streams.local_records_after(west_stream, before, 100))
    runtime.replicator.advance_idle()
    assert store.position(conn, west_id, east_id) == runtime.streams.sequence
    assert store.position(conn, east_id, west_id) == runtime.streams.sequence
