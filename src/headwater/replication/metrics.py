"""Replication metrics as AWS names them (AWS/DynamoDB ReplicationLatency in milliseconds and
PendingReplicationCount, dimensions TableName and ReceivingRegion, reported in the source
replica's region), as CloudWatch datapoints and Prometheus series at /metrics; plus each pair's
recent latencies for `GET /_headwater/replication`."""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.registry import Collector

from headwater.cloudwatch.store import MetricStore
from headwater.dynamodb.table import Table

NAMESPACE = "AWS/DynamoDB"
RECENT = 8192  # latencies kept per pair for the percentiles the control endpoint shows
_LABELS = ["table", "source_region", "receiving_region"]
BUCKETS = (1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 5000, 30000)


class LatencyHistogram(Collector):
    """headwater_replication_latency_milliseconds, a Prometheus histogram observed a batch
    at a time: a bisect per value, where prometheus_client's Histogram.observe (a lock, an
    exemplar check and a bucket walk) cost ~3 us per replicated write."""

    name = "headwater_replication_latency_milliseconds"
    documentation = "Time from a write in one replica to its application in another"

    def __init__(self) -> None:
        # Per label values: the count in each bucket (the last one: above every bound), sum.
        self.series: dict[tuple[str, str, str], tuple[list[int], list[float]]] = {}

    def observe(self, labels: tuple[str, str, str], values: list[float]) -> None:
        counts, total = self.series.setdefault(labels, ([0] * (len(BUCKETS) + 1), [0.0]))
        for value in values:
            counts[bisect_left(BUCKETS, value)] += 1
        total[0] += sum(values)

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=_LABELS)
        bounds = [str(float(bound)) for bound in BUCKETS] + ["+Inf"]
        for labels, (counts, total) in self.series.items():
            family.add_metric(list(labels), list(zip(bounds, accumulate(counts), strict=True)),
                              total[0])
        yield family


@dataclass(slots=True)
class PairFigures:
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT))
    applied: int = 0
    superseded: int = 0
    pending_reported: float = 0.0  # clock time PendingReplicationCount was last reported
    pending_last: int = 0

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class ReplicationMetrics:
    def __init__(self, cloudwatch: MetricStore) -> None:
        self.cloudwatch = cloudwatch
        self.registry = CollectorRegistry()
        self.latency = LatencyHistogram()
        self.registry.register(self.latency)
        self.pending = Gauge("headwater_replication_pending",
                             "Source stream records not yet applied to the receiving replica",
                             _LABELS, registry=self.registry)
        self.pairs: dict[tuple[int, int], PairFigures] = {}

    def figures(self, source: Table, target: Table) -> PairFigures:
        return self.pairs.setdefault((source.id, target.id), PairFigures())

    def applied(self, source: Table, target: Table, latencies_ms: list[float], applied: int,
                superseded: int) -> None:
        figures = self.figures(source, target)
        figures.latencies.extend(latencies_ms)
        figures.applied += applied
        figures.superseded += superseded
        if latencies_ms:
            self.latency.observe((source.name, source.region, target.region), latencies_ms)
            # One datapoint per batch (its mean), not one per write.
            self.cloudwatch.put(source.account, source.region, NAMESPACE, "ReplicationLatency",
                                _dimensions(source, target),
                                sum(latencies_ms) / len(latencies_ms), "Milliseconds")

    def pending_due(self, source: Table, target: Table, now: float, drained: bool) -> bool:
        """Whether to report PendingReplicationCount now: at most once a second (counting is
        not free), and at once when the backlog just drained."""
        figures = self.figures(source, target)
        return now - figures.pending_reported >= 1.0 or (drained and figures.pending_last != 0)

    def pending_count(self, source: Table, target: Table, count: int, now: float) -> None:
        figures = self.figures(source, target)
        figures.pending_reported, figures.pending_last = now, count
        self.pending.labels(source.name, source.region, target.region).set(count)
        self.cloudwatch.put(source.account, source.region, NAMESPACE,
                            "PendingReplicationCount", _dimensions(source, target), count)

    def forget(self, source_id: int, target_id: int) -> None:
        self.pairs.pop((source_id, target_id), None)


def _dimensions(source: Table, target: Table) -> dict[str, str]:
    return {"TableName": source.name, "ReceivingRegion": target.region}
