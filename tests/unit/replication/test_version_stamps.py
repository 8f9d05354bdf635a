"""A local write's last-writer-wins stamp (dynamodb/item_versions.py stamp): the clock's time,
but always after the version the item holds. The held version is read only when the clock is
not past the database's high-water mark; these tests put the clock behind it (as a wall clock
stepping back would) and check the stamp still outranks what the item holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from replicated_runtime import ACCOUNT, EAST, replicated_runtime

from headwater.dynamodb import item_versions, items
from headwater.dynamodb.item_versions import Version, VersionMark
from headwater.runtime import Runtime


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    yield from replicated_runtime()


def key_of(runtime: Runtime, pk: str) -> tuple[int, bytes, bytes]:
    table = runtime.tables.find(ACCOUNT, EAST, "g")
    assert table is not None
    return (table.id, *items.encode_key(table, {"pk": {"S": pk}}))


def test_a_clock_past_every_version_stamps_its_own_time(runtime: Runtime) -> None:
    conn = runtime.storage.conn
    table_id, hk, rk = key_of(runtime, "a")
    mark = runtime.version_mark
    item_versions.put(conn, mark, table_id, hk, rk, Version(100.0, "us-west-2"))
    assert mark.stamp(conn, table_id, hk, rk, 200.0) == 200.0
    assert mark.stamp(conn, table_id, hk, rk, 300.0) == 300.0


def test_a_clock_behind_the_held_version_stamps_just_after_it(runtime: Runtime) -> None:
    conn = runtime.storage.conn
    table_id, hk, rk = key_of(runtime, "a")
    mark = runtime.version_mark
    item_versions.put(conn, mark, table_id, hk, rk, Version(500.0, "us-west-2"))
    assert mark.stamp(conn, table_id, hk, rk, 400.0) == 500.0 + 1e-6
    # Another item with no version, behind the mark: the clock's time.
    _, other_hk, other_rk = key_of(runtime, "b")
    assert mark.stamp(conn, table_id, other_hk, other_rk, 400.0) == 400.0
    # A tie with the held version is not past it either.
    item_versions.put(conn, mark, table_id, other_hk, other_rk, Version(450.0, "us-west-2"))
    assert mark.stamp(conn, table_id, other_hk, other_rk, 450.0) == 450.0 + 1e-6


def test_a_new_mark_reads_the_latest_version_from_the_database(runtime: Runtime) -> None:
    """The mark is per database: a mark for a database whose versions it did not see being
    given reads the latest version there first."""
    conn = runtime.storage.conn
    table_id, hk, rk = key_of(runtime, "a")
    runtime.version_mark.stamp(conn, table_id, hk, rk, 10.0)  # this database's mark: low
    other = sqlite3.connect(":memory:")
    try:
        other.execute("CREATE TABLE ddb_item_versions (table_id INTEGER, hk BLOB, rk BLOB, "
                      "written REAL, region TEXT, deleted INTEGER NOT NULL DEFAULT 0, "
                      "PRIMARY KEY (table_id, hk, rk))")
        other.execute("INSERT INTO ddb_item_versions VALUES (?, ?, ?, 900.0, 'us-west-2', 0)",
                      (table_id, hk, rk))
        assert VersionMark().stamp(other, table_id, hk, rk, 20.0) == 900.0 + 1e-6
    finally:
        other.close()
    # The first database's mark is its own.
    assert runtime.version_mark.stamp(conn, table_id, hk, rk, 20.0) == 20.0


def test_a_replicated_version_raises_the_mark(runtime: Runtime) -> None:
    conn = runtime.storage.conn
    table_id, hk, rk = key_of(runtime, "a")
    mark = runtime.version_mark
    mark.stamp(conn, table_id, hk, rk, 10.0)
    item_versions.put_many(conn, mark, table_id, [(hk, rk, 70.0, "us-west-2", False)])
    assert mark.stamp(conn, table_id, hk, rk, 50.0) == 70.0 + 1e-6
