"""How the metric store writes its entries to metrics.db (cloudwatch/store.py flush): a flush
writes what changed since the last one (new entries inserted, counts of written ones updated in
place), not the whole current minute again; structural changes (an older timestamp, a roll-up)
rewrite from where they start; and whatever a flush writes, a restarted store reads back the
entries it had in memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.cloudwatch.store import DB_FILE, MetricStore, Series
from headwater.core.clock import Clock

DIMS = {"TableName": "t"}


def _entries(store: MetricStore) -> dict[tuple[str, tuple[tuple[str, str], ...]],
                                         list[tuple[float, float, int]]]:
    """Every series' entries, merged by (time, value) (equal values split over two entries
    stand for the same datapoints)."""
    out = {}
    for key, series in store.series.items():
        merged: dict[tuple[float, float], int] = {}
        for moment, value, count in series.entries_between(float("-inf"), float("inf")):
            merged[(moment, value)] = merged.get((moment, value), 0) + count
        out[(key[3], key[4])] = sorted((t, v, c) for (t, v), c in merged.items())
    return out


def _minute(clock: Clock) -> float:
    now = clock.now()
    return now - now % 60


def _reloaded(tmp_path: Path, clock: Clock) -> MetricStore:
    return MetricStore(clock, tmp_path)


def _statements(store: MetricStore) -> list[str]:
    seen: list[str] = []
    assert store.db is not None
    store.db.set_trace_callback(seen.append)
    return seen


def test_a_flush_writes_only_what_changed_since_the_last(tmp_path: Path) -> None:
    clock = Clock()
    store = MetricStore(clock, tmp_path)
    minute = _minute(clock)
    for n in range(200):
        store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, n / 10, "Milliseconds",
                  timestamp=minute)
    store.flush()
    seen = _statements(store)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 0.5, "Milliseconds", timestamp=minute)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 0.5, "Milliseconds", timestamp=minute)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 1000.0, "Milliseconds",
              timestamp=minute)
    store.flush()
    writes = [s for s in seen if s.startswith(("INSERT", "UPDATE", "DELETE FROM points WHERE "
                                                                   "series"))]
    # One count updated in place, one entry inserted: not the minute's 200 entries again.
    assert sorted(s.split(" ")[0] for s in writes) == ["INSERT", "UPDATE"]
    expected = _entries(store)
    store.close()
    assert _entries(_reloaded(tmp_path, clock)) == expected


def test_counts_keep_being_updated_after_a_restart_and_a_new_minute(tmp_path: Path) -> None:
    clock = Clock()
    store = MetricStore(clock, tmp_path)
    minute = _minute(clock)
    for value in (1.0, 2.0, 2.0, 3.0):
        store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, value, timestamp=minute)
    store.close()
    store = _reloaded(tmp_path, clock)
    # Loaded entries have no row ids: the first count change rewrites the minute once ...
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 2.0, timestamp=minute)
    store.flush()
    # ... after which counts are updated in place again.
    seen = _statements(store)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 3.0, timestamp=minute)
    store.flush()
    assert [s.split(" ")[0] for s in seen if s.startswith(("INSERT", "UPDATE", "DELETE"))] == [
        "UPDATE", "DELETE"]  # the DELETE is the retention sweep, series-less
    # The next minute: new entries; the previous minute's counts stay as written.
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 3.0, timestamp=minute + 60)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 3.0, timestamp=minute + 60)
    store.flush()
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 3.0, timestamp=minute + 60)
    expected = _entries(store)
    assert expected[("Latency", (("TableName", "t"),))] == [
        (minute, 1.0, 1), (minute, 2.0, 3), (minute, 3.0, 2), (minute + 60, 3.0, 3)]
    store.close()
    assert _entries(_reloaded(tmp_path, clock)) == expected


def test_an_older_timestamp_between_flushes_rewrites_from_it(tmp_path: Path) -> None:
    clock = Clock()
    store = MetricStore(clock, tmp_path)
    minute = _minute(clock)
    for value in (1.0, 2.0):
        store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, value, timestamp=minute)
    store.flush()
    store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, 2.0, timestamp=minute)  # updated in place
    store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, 7.0, timestamp=minute - 120)  # moves all
    store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, 9.0, timestamp=minute)
    store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, 9.0, timestamp=minute)
    store.flush()
    store.put("1", "r", "AWS/EC2", "CPU", {"Id": "i"}, 9.0, timestamp=minute)
    store.flush()
    expected = _entries(store)
    assert expected[("CPU", (("Id", "i"),))] == [
        (minute - 120, 7.0, 1), (minute, 1.0, 1), (minute, 2.0, 2), (minute, 9.0, 3)]
    store.close()
    assert _entries(_reloaded(tmp_path, clock)) == expected


def test_a_roll_up_between_flushes_is_written(tmp_path: Path) -> None:
    clock = Clock()
    store = MetricStore(clock, tmp_path)
    second = _minute(clock)
    for n in range(5):  # per-second entries (StorageResolution 1), rolled up after 3 hours
        store.put("1", "r", "Custom", "Hi", {}, 1.0, timestamp=second + n, resolution=1)
    store.flush()
    store.put("1", "r", "Custom", "Hi", {}, 1.0, timestamp=second + 4, resolution=1)
    clock.advance(4 * 3600)
    store.put("1", "r", "Custom", "Hi", {}, 2.0)
    store.drain()  # rolls the per-second entries up to the minute
    store.put("1", "r", "Custom", "Hi", {}, 2.0)
    store.flush()
    expected = _entries(store)
    assert expected[("Hi", ())][0] == (second, 1.0, 6)
    store.close()
    assert _entries(_reloaded(tmp_path, clock)) == expected


def test_a_failed_flush_leaves_everything_pending(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    store = MetricStore(clock, tmp_path)
    minute = _minute(clock)
    for value in (1.0, 2.0):
        store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, value, timestamp=minute)
    store.flush()
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 2.0, timestamp=minute)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 5.0, timestamp=minute)
    real = store._insert

    def failing(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_insert", failing)
    with pytest.raises(sqlite3.OperationalError):
        store.flush()
    monkeypatch.setattr(store, "_insert", real)
    store.put("1", "r", "AWS/DynamoDB", "Latency", DIMS, 1.0, timestamp=minute)
    store.flush()
    expected = _entries(store)
    assert expected[("Latency", (("TableName", "t"),))] == [
        (minute, 1.0, 2), (minute, 2.0, 2), (minute, 5.0, 1)]
    store.close()
    assert (tmp_path / DB_FILE).exists()
    assert _entries(_reloaded(tmp_path, clock)) == expected


@given(st.lists(st.tuples(st.sampled_from([0.0, 60.0, 120.0]),
                          st.dictionaries(st.sampled_from([1.0, 2.0, 3.5]),
                                          st.integers(1, 3), min_size=1)), max_size=8),
       st.sets(st.integers(0, 7), max_size=3))
def test_add_counted_is_add_of_each_value(batches: list[tuple[float, dict[float, int]]],
                                          flushed_after: set[int]) -> None:
    """Series.add_counted (the DynamoDB recorder's way in) leaves a series as `add` of each
    value would, pending writes included; `flushed_after` marks batches after which the row
    ids of the current bucket are known, as after a flush."""
    one, many = (Series("1", "r", "N", "M", (), "Count") for _ in range(2))
    for n, (moment, counted) in enumerate(batches):
        for value, count in counted.items():
            one.add(moment, value, count)
        many.add_counted(moment, counted)
        if n in flushed_after:
            for series in (one, many):
                series.dirty_from = series.fresh_from = None
                series.recounted = set()
                series.rowids_time = series.current_time
                series.rowids = {at: at + 1 for at in series.current.values()}
    assert (many.times, many.values, many.counts) == (one.times, one.values, one.counts)
    assert (many.current, many.current_time) == (one.current, one.current_time)
    assert (many.dirty_from, many.fresh_from, many.recounted) == (
        one.dirty_from, one.fresh_from, one.recounted)
