"""Metric datapoints by (account, region, namespace, name, dimensions), aggregated as AWS
stores them and rolled up as AWS keeps them (resolutions.py): per second for 3 hours, per
minute for 15 days, per 5 minutes for 63 days, per hour for 455 days of clock time.

Recording is cheap on the request path: a datapoint lands in its period bucket (1 minute;
1 second for PutMetricData with StorageResolution 1) as a (time, value, count) entry, equal
values in one bucket sharing an entry, so a metric costs memory per distinct value per minute,
not per request. Values with a fraction are kept to 4 significant digits (percentiles and
latencies need no more); counts, sums of integral values and capacity units stay exact.

With a data directory the entries are flushed to SQLite (`metrics.db`, separate from the
tables' database so a flush never waits on a write transaction) by `MetricFlusher`, a
background worker, and at stop; a restarted server loads them back. At most once a minute of
clock time, before a read or a flush, entries that crossed an age boundary are rolled up into
the coarser step (`Series.age`: timestamps floored to the step, equal values merged, so every
statistic, percentiles included, stays exact at the coarser period) and the rewritten range is
written back at the next flush; entries older than 455 days are dropped.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from prometheus_client import CollectorRegistry

from headwater.cloudwatch.resolutions import LISTED, RETENTION, TIERS
from headwater.core.clock import Clock

MINUTE = 60
AGE_EVERY = 60.0
FLUSH_INTERVAL = 5.0
DB_FILE = "metrics.db"
Dimensions = tuple[tuple[str, str], ...]
SeriesKey = tuple[str, str, str, str, Dimensions]


@dataclass(slots=True)
class Series:
    account: str
    region: str
    namespace: str
    name: str
    dimensions: Dimensions
    unit: str
    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    # How many datapoints each entry stands for; empty means one each (built by hand).
    counts: list[int] = field(default_factory=list)
    # The newest bucket's entries by value, and that bucket's start.
    current: dict[float, int] = field(default_factory=dict)
    current_time: float = -1.0
    # What the next flush writes (MetricStore.flush): the entries from `dirty_from`'s time on
    # (rewritten: deleted and inserted again); the entries from `fresh_from` on (appended since
    # the last flush, inserted); and the counts of the `recounted` entries (updated in place by
    # their `rowids`, known for the entries of the `rowids_time` bucket the last flush wrote).
    # A busy minute's counts change on every flush: rewriting the whole minute each time made
    # a flush cost as much as the minute's distinct values, however few changed.
    dirty_from: int | None = None
    fresh_from: int | None = None
    recounted: set[int] = field(default_factory=set)
    rowids: dict[int, int] = field(default_factory=dict)
    rowids_time: float = -1.0
    # For each roll-up step, the time up to which entries are kept at that step.
    rolled: dict[int, float] = field(default_factory=dict)
    # The time range `age` rewrote since the last flush.
    rewritten: tuple[float, float] | None = None

    def between(self, start: float, end: float) -> Iterator[tuple[float, float]]:
        """Each datapoint in [start, end), an entry repeated as often as it counts."""
        for moment, value, count in self.entries_between(start, end):
            for _ in range(count):
                yield moment, value

    def entries_between(self, start: float, end: float) -> Iterator[tuple[float, float, int]]:
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_left(self.times, end)
        counts = self.counts
        for i in range(lo, hi):
            yield self.times[i], self.values[i], counts[i] if counts else 1

    def add(self, moment: float, value: float, count: int) -> None:
        """Add `count` datapoints of `value` to the bucket starting at `moment`."""
        if not self.counts and self.times:
            self.counts = [1] * len(self.times)
        if moment == self.current_time:
            at = self.current.get(value)
            if at is not None:
                self.counts[at] += count
                if self.fresh_from is not None and at >= self.fresh_from:
                    pass  # not written yet: inserted with its count
                elif at in self.rowids and self.rowids_time == moment:
                    self.recounted.add(at)
                elif self.dirty_from is None or at < self.dirty_from:
                    self.dirty_from = at
                return
        elif self.times and moment < self.times[-1]:
            # An older timestamp (PutMetricData): insert in order, forget the bucket index;
            # the entries after it move, so everything from it on is rewritten.
            at = bisect.bisect_right(self.times, moment)
            self._moved(at)
            self.times.insert(at, moment)
            self.values.insert(at, value)
            self.counts.insert(at, count)
            self.current, self.current_time = {}, -1.0
            return
        else:
            self.current, self.current_time = {}, moment
        at = len(self.times)
        self.times.append(moment)
        self.values.append(value)
        self.counts.append(count)
        self.current[value] = at
        if self.fresh_from is None:
            self.fresh_from = at

    def add_counted(self, moment: float, counted: dict[float, int]) -> None:
        """`add` of each value in `counted` as often as it says, for the newest bucket or a
        newer one (an older `moment` takes `add`'s way)."""
        times = self.times
        if times and (moment < times[-1] or not self.counts):
            for value, count in counted.items():
                self.add(moment, value, count)
            return
        if moment != self.current_time:
            self.current, self.current_time = {}, moment
        current, values, counts = self.current, self.values, self.counts
        rowids = self.rowids if self.rowids_time == moment else {}
        fresh = self.fresh_from
        for value, count in counted.items():
            at = current.get(value)
            if at is None:
                at = current[value] = len(times)
                times.append(moment)
                values.append(value)
                counts.append(count)
                if fresh is None:
                    fresh = at
            else:
                counts[at] += count
                if fresh is not None and at >= fresh:
                    pass  # not written yet: inserted with its count
                elif at in rowids:
                    self.recounted.add(at)
                elif self.dirty_from is None or at < self.dirty_from:
                    self.dirty_from = at
        self.fresh_from = fresh

    def pending_from(self) -> int | None:
        """The first entry the next flush writes, counts updated in place included."""
        pending = [at for at in (self.dirty_from, self.fresh_from) if at is not None]
        if self.recounted:
            pending.append(min(self.recounted))
        return min(pending) if pending else None

    def _moved(self, at: int) -> None:
        """Entries from index `at` on move: rewrite from there (and from whatever was pending
        before), with no row ids to update by."""
        pending = self.pending_from()
        self.dirty_from = at if pending is None else min(at, pending)
        self.fresh_from = None
        self.recounted = set()
        self.rowids = {}
        self.rowids_time = -1.0

    def age(self, now: float) -> bool:
        """Roll up the entries that crossed a tier's age since the last call and drop those
        past retention; whether anything changed."""
        if not self.times:
            return False
        if not self.counts:
            self.counts = [1] * len(self.times)
        pending = self.pending_from()
        dirty_time = None if pending is None or pending >= len(self.times) \
            else self.times[pending]
        changed = False
        horizon = now - RETENTION
        if self.times[0] < horizon:
            cut = bisect.bisect_left(self.times, horizon)
            self._note(self.times[0], horizon)
            del self.times[:cut], self.values[:cut], self.counts[:cut]
            changed = True
        for limit, step in TIERS:
            boundary = (now - limit) // step * step
            done = self.rolled.get(step, -math.inf)
            if boundary <= done:
                continue
            self.rolled[step] = boundary
            lo = bisect.bisect_left(self.times, done)
            hi = bisect.bisect_left(self.times, boundary)
            if lo < hi and self._coarsen(lo, hi, step):
                self._note(self.times[lo] if done == -math.inf else done, boundary)
                changed = True
        if changed:
            self.current, self.current_time = {}, -1.0
            self._moved(len(self.times))
            self.dirty_from = None
            if dirty_time is not None:
                self.dirty_from = bisect.bisect_left(self.times, dirty_time - dirty_time % 3600)
        return changed

    def _coarsen(self, lo: int, hi: int, step: int) -> bool:
        """Floor the entries [lo, hi) to `step`, merging equal values of one step."""
        merged: dict[tuple[float, float], int] = {}
        for i in range(lo, hi):
            moment = self.times[i] - self.times[i] % step
            merged[(moment, self.values[i])] = merged.get((moment, self.values[i]), 0) \
                + self.counts[i]
        if len(merged) == hi - lo and all(self.times[i] % step == 0 for i in range(lo, hi)):
            return False
        ordered = sorted(merged.items(), key=lambda item: item[0][0])
        self.times[lo:hi] = [t for (t, _), _ in ordered]
        self.values[lo:hi] = [v for (_, v), _ in ordered]
        self.counts[lo:hi] = [c for _, c in ordered]
        return True

    def _note(self, lo: float, hi: float) -> None:
        if self.rewritten is not None:
            lo, hi = min(lo, self.rewritten[0]), max(hi, self.rewritten[1])
        self.rewritten = (lo, hi)


def kept(value: float) -> float:
    """The value an entry keeps: integral values as they are, others to 4 significant
    digits."""
    if value == int(value) or not math.isfinite(value):
        return value
    return float(f"{value:.4g}")


class MetricStore:
    def __init__(self, clock: Clock, data_dir: Path | None = None) -> None:
        self.clock = clock
        # Prometheus collectors of the components that report through this store
        self.registry = CollectorRegistry()
        self.series: dict[SeriesKey, Series] = {}
        self.dirty: set[SeriesKey] = set()
        # Request-path aggregates by (account, region, operation, table, minute): callables
        # applied by `drain` before any read and at each flush (dynamodb_metrics.py).
        self.aggregates: dict[tuple[str, str, str, str | None, float], Callable[..., None]] = {}
        self.db: sqlite3.Connection | None = None
        self.ids: dict[SeriesKey, int] = {}
        self.aged_at = -math.inf
        if data_dir is not None:
            self._open(data_dir / DB_FILE)

    def put(self, account: str, region: str, namespace: str, name: str,
            dimensions: dict[str, str], value: float, unit: str = "Count", *,
            timestamp: float | None = None, count: int = 1, resolution: int = MINUTE) -> None:
        """Record `count` datapoints of `value` at `timestamp` (default: now)."""
        key = (account, region, namespace, name, tuple(sorted(dimensions.items())))
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = Series(account, region, namespace, name, key[4], unit)
        moment = self.clock.now() if timestamp is None else timestamp
        moment -= moment % resolution
        series.add(moment, kept(float(value)), count)
        self.dirty.add(key)

    def put_counted(self, account: str, region: str, namespace: str, name: str,
                    dimensions: dict[str, str], counted: dict[float, int], unit: str, *,
                    timestamp: float) -> None:
        """`put` of each value `counted` holds, as often as it says, in the minute of
        `timestamp`: the series found once. The values are as `kept` keeps them."""
        key = (account, region, namespace, name, tuple(sorted(dimensions.items())))
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = Series(account, region, namespace, name, key[4], unit)
        series.add_counted(timestamp - timestamp % MINUTE, counted)
        self.dirty.add(key)

    def drain(self) -> None:
        """Apply the deferred recordings, and roll up what aged."""
        if self.aggregates:
            aggregates, self.aggregates = self.aggregates, {}
            for key, apply in aggregates.items():
                apply(self, *key)
        now = self.clock.now()
        if now - self.aged_at >= AGE_EVERY:
            self.aged_at = now
            for series_key, series in self.series.items():
                if series.age(now):
                    self.dirty.add(series_key)

    def recorder(self, namespace: str, dimension: str) -> Callable[..., None]:
        """`record(account, region, resource, metric, value, unit="Count")` for a service
        whose metrics have one dimension naming the resource (AWS/SQS QueueName, AWS/SNS
        TopicName), handed to that service by the composition root."""
        def record(account: str, region: str, resource: str, metric: str, value: float,
                   unit: str = "Count") -> None:
            self.put(account, region, namespace, metric, {dimension: resource}, value, unit)

        return record

    def namespace_recorder(self, namespace: str) -> Callable[..., None]:
        """`record(account, region, metric, dimensions, value, unit="Count")` for a service
        whose metrics have several dimension sets (AWS/Lambda)."""
        def record(account: str, region: str, metric: str, dimensions: dict[str, str],
                   value: float, unit: str = "Count") -> None:
            self.put(account, region, namespace, metric, dimensions, value, unit)

        return record

    def find(self, account: str, region: str, namespace: str | None = None,
             name: str | None = None, dimensions: list[tuple[str, str | None]] | None = None
             ) -> list[Series]:
        self.drain()
        out = []
        horizon = self.clock.now() - LISTED
        for series in self.series.values():
            if (series.account, series.region) != (account, region):
                continue
            if namespace is not None and series.namespace != namespace:
                continue
            if name is not None and series.name != name:
                continue
            if dimensions and not _dims_match(series.dimensions, dimensions):
                continue
            if not series.times or series.times[-1] < horizon:
                continue
            out.append(series)
        return sorted(out, key=lambda s: (s.namespace, s.name, s.dimensions))

    def get(self, account: str, region: str, namespace: str, name: str,
            dimensions: dict[str, str]) -> Series | None:
        self.drain()
        return self.series.get((account, region, namespace, name,
                                tuple(sorted(dimensions.items()))))

    # -- durability ---------------------------------------------------------------------------

    def _open(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, "
                        "account TEXT, region TEXT, namespace TEXT, name TEXT, dimensions TEXT,"
                        " unit TEXT, UNIQUE (account, region, namespace, name, dimensions))")
        self.db.execute("CREATE TABLE IF NOT EXISTS points (series INTEGER, time REAL, "
                        "value REAL, count INTEGER)")
        self.db.execute("CREATE INDEX IF NOT EXISTS points_by_time ON points (series, time)")
        self._load()

    def _load(self) -> None:
        assert self.db is not None
        by_id: dict[int, Series] = {}
        for row in self.db.execute("SELECT id, account, region, namespace, name, dimensions, "
                                   "unit FROM series"):
            dims = tuple((k, v) for k, v in orjson.loads(row[5]))
            key = (row[1], row[2], row[3], row[4], dims)
            by_id[row[0]] = self.series[key] = Series(*key, unit=row[6])
            self.ids[key] = row[0]
        for sid, moment, value, count in self.db.execute(
                "SELECT series, time, value, count FROM points ORDER BY series, time, rowid"):
            series = by_id[sid]
            series.times.append(moment)
            series.values.append(value)
            series.counts.append(count)
        for series in by_id.values():
            if series.times:
                last = series.times[-1]
                series.current_time = last
                series.current = {series.values[i]: i for i in
                                  range(bisect.bisect_left(series.times, last), len(series.times))}

    def flush(self) -> None:
        """Write the entries changed since the last flush, and drop expired ones."""
        self.drain()
        if self.db is None:
            self.dirty.clear()
            return
        dirty, self.dirty = self.dirty, set()
        horizon = self.clock.now() - RETENTION
        db = self.db
        db.execute("BEGIN")
        # What each series had pending, for a failed flush to leave it pending again.
        taken: list[tuple[Series, int | None, tuple[float, float] | None]] = []
        try:
            for key in dirty:
                series = self.series[key]
                start, fresh, recounted = series.dirty_from, series.fresh_from, series.recounted
                rewritten = series.rewritten
                taken.append((series, series.pending_from(), rewritten))
                series.dirty_from = series.fresh_from = series.rewritten = None
                series.recounted = set()
                count = len(series.times)
                sid = None
                if recounted:
                    # counts of entries written before, updated in place
                    sid = self._series_id(key, series)
                    counts, rowids = series.counts, series.rowids
                    db.executemany("UPDATE points SET count = ? WHERE rowid = ?",
                                   [(counts[at], rowids[at]) for at in recounted])
                if series.rowids_time != series.current_time:
                    series.rowids, series.rowids_time = {}, -1.0  # no longer added to
                if start is not None and start < count:
                    # the tail changed since the last flush: rewritten from there
                    if fresh is not None and fresh < start:
                        start = fresh
                    sid = self._series_id(key, series) if sid is None else sid
                    self._rewrite(sid, series, series.times[start], math.inf)
                elif fresh is not None and fresh < count:
                    # entries appended since the last flush
                    sid = self._series_id(key, series) if sid is None else sid
                    self._insert(sid, series, fresh, count)
                if rewritten is not None:
                    # an older range rolled up (after the tail: it may overlap it)
                    sid = self._series_id(key, series) if sid is None else sid
                    self._rewrite(sid, series, *rewritten)
                    if rewritten[1] > series.rowids_time:
                        series.rowids, series.rowids_time = {}, -1.0
            db.execute("DELETE FROM points WHERE time < ?", (horizon,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self.dirty |= dirty
            for series, pending, rewritten in taken:
                # Pending again, rewritten in full from the first entry it touched (the row ids
                # of this flush's inserts are gone with it).
                later = series.pending_from()
                series.fresh_from, series.recounted = None, set()
                series.rowids, series.rowids_time = {}, -1.0
                firsts = [at for at in (pending, later) if at is not None]
                series.dirty_from = min(firsts) if firsts else None
                if rewritten is not None:
                    series._note(*rewritten)
            raise

    def _rewrite(self, sid: int, series: Series, lo: float, hi: float) -> None:
        """Replace the series' stored entries in [lo, hi) by those in memory."""
        assert self.db is not None
        self.db.execute("DELETE FROM points WHERE series = ? AND time >= ? AND time < ?",
                        (sid, lo, hi))
        self._insert(sid, series, bisect.bisect_left(series.times, lo),
                     bisect.bisect_left(series.times, hi))

    def _insert(self, sid: int, series: Series, first: int, last: int) -> None:
        """Store the entries [first, last); the row ids of the current bucket's are kept, for
        the next flushes to update their counts in place."""
        db = self.db
        assert db is not None
        times, values, counts = series.times, series.values, series.counts
        db.executemany("INSERT INTO points VALUES (?, ?, ?, ?)",
                       [(sid, times[i], values[i], counts[i] if counts else 1)
                        for i in range(first, last)])
        current = series.current_time
        split = bisect.bisect_left(times, current, first, last) if current >= 0 else last
        if split < last:
            # The rows were given consecutive row ids, one more than the table's largest each
            # (SQLite's choice for a table without INTEGER PRIMARY KEY, on the one connection
            # that writes this database), so the last one's tells them all.
            newest = int(db.execute("SELECT last_insert_rowid()").fetchone()[0])
            if series.rowids_time != current:
                series.rowids, series.rowids_time = {}, current
            rowids = series.rowids
            for i in range(split, last):
                if times[i] == current:
                    rowids[i] = newest - (last - 1 - i)

    def _series_id(self, key: SeriesKey, series: Series) -> int:
        sid = self.ids.get(key)
        if sid is None:
            assert self.db is not None
            cursor = self.db.execute(
                "INSERT INTO series (account, region, namespace, name, dimensions, unit) "
                "VALUES (?, ?, ?, ?, ?, ?)", (*key[:4], orjson.dumps(key[4]).decode(),
                                              series.unit))
            sid = self.ids[key] = int(cursor.lastrowid or 0)
        return sid

    def close(self) -> None:
        if self.db is not None:
            self.flush()
            self.db.close()
            self.db = None


class MetricFlusher:
    """The background worker writing the store's new datapoints to SQLite every
    FLUSH_INTERVAL clock seconds, and once more when stopped."""

    def __init__(self, store: MetricStore, interval: float = FLUSH_INTERVAL) -> None:
        self.store = store
        self.interval = interval
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not await self.store.clock.sleep_unless(self.interval, self._stop):
            self.store.flush()
        self.store.flush()

    async def stop(self) -> None:
        self._stop.set()


def _dims_match(have: Dimensions, wanted: list[tuple[str, str | None]]) -> bool:
    present = dict(have)
    for key, value in wanted:
        if key not in present or (value is not None and present[key] != value):
            return False
    return True
