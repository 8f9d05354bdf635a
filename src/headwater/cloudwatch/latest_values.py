"""CloudWatch datapoints at `GET /metrics`, beside the Prometheus counters: for every metric
with a datapoint in the past two weeks (as ListMetrics lists them), the statistics of its
latest datapoint (the newest minute, or second for high-resolution metrics) as gauges
labelled by account, region, namespace, metric name, dimensions ("Name=Value,..." sorted by
name) and unit:

    headwater_cloudwatch_latest_sum, headwater_cloudwatch_latest_sample_count,
    headwater_cloudwatch_latest_minimum, headwater_cloudwatch_latest_maximum,
    headwater_cloudwatch_latest_timestamp_seconds (the datapoint's period start).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from headwater.cloudwatch.resolutions import LISTED
from headwater.cloudwatch.store import MetricStore

LABELS = ["account", "region", "namespace", "metric_name", "dimensions", "unit"]
FAMILIES = (("sum", "Sum"), ("sample_count", "SampleCount"), ("minimum", "Minimum"),
            ("maximum", "Maximum"), ("timestamp_seconds", "period start, epoch seconds,"))


class LatestValues(Collector):
    def __init__(self, store: MetricStore) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        store = self.store
        store.drain()
        horizon = store.clock.now() - LISTED
        families = {name: GaugeMetricFamily(
            f"headwater_cloudwatch_latest_{name}",
            f"The {what} of each CloudWatch metric's latest datapoint", labels=LABELS)
            for name, what in FAMILIES}
        for key in sorted(store.series):
            series = store.series[key]
            if not series.times or series.times[-1] < horizon:
                continue
            last = series.times[-1]
            first = bisect.bisect_left(series.times, last)
            counts = series.counts
            count, total = 0, 0.0
            low, high = float("inf"), float("-inf")
            for i in range(first, len(series.times)):
                times = counts[i] if counts else 1
                value = series.values[i]
                count += times
                total += value * times
                low, high = min(low, value), max(high, value)
            labels = [series.account, series.region, series.namespace, series.name,
                      ",".join(f"{k}={v}" for k, v in series.dimensions), series.unit]
            for name, value in (("sum", total), ("sample_count", float(count)),
                                ("minimum", low), ("maximum", high),
                                ("timestamp_seconds", last)):
                families[name].add_metric(labels, value)
        yield from families.values()
