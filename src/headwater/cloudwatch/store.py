"""In-process metric datapoints by (namespace, name, dimensions), timestamped by the clock.

Datapoints older than the retention window are dropped as new ones arrive; metrics are
observations, not state, so they are not kept across restarts.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from headwater.core.clock import Clock

RETENTION = 15 * 24 * 3600.0
Dimensions = tuple[tuple[str, str], ...]


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

    def between(self, start: float, end: float) -> Iterator[tuple[float, float]]:
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_left(self.times, end)
        for i in range(lo, hi):
            yield self.times[i], self.values[i]


class MetricStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # Prometheus collectors of the components that report through this store
        self.registry = CollectorRegistry()
        self.series: dict[tuple[str, str, str, str, Dimensions], Series] = {}

    def put(self, account: str, region: str, namespace: str, name: str,
            dimensions: dict[str, str], value: float, unit: str = "Count") -> None:
        dims = tuple(sorted(dimensions.items()))
        key = (account, region, namespace, name, dims)
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = Series(account, region, namespace, name, dims, unit)
        now = self.clock.now()
        if series.times and now < series.times[-1]:
            now = series.times[-1]
        series.times.append(now)
        series.values.append(float(value))
        if series.times[0] < now - RETENTION:
            cut = bisect.bisect_left(series.times, now - RETENTION)
            del series.times[:cut], series.values[:cut]

    def find(self, account: str, region: str, namespace: str | None = None,
             name: str | None = None, dimensions: list[tuple[str, str | None]] | None = None
             ) -> list[Series]:
        out = []
        for series in self.series.values():
            if (series.account, series.region) != (account, region):
                continue
            if namespace is not None and series.namespace != namespace:
                continue
            if name is not None and series.name != name:
                continue
            if dimensions and not _dims_match(series.dimensions, dimensions):
                continue
            out.append(series)
        return sorted(out, key=lambda s: (s.namespace, s.name, s.dimensions))

    def get(self, account: str, region: str, namespace: str, name: str,
            dimensions: dict[str, str]) -> Series | None:
        return self.series.get((account, region, namespace, name,
                                tuple(sorted(dimensions.items()))))


def _dims_match(have: Dimensions, wanted: list[tuple[str, str | None]]) -> bool:
    present = dict(have)
    for key, value in wanted:
        if key not in present or (value is not None and present[key] != value):
            return False
    return True
