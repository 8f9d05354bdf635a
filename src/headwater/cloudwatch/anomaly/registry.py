"""The anomaly detectors of every account and region (`runtime.anomaly_detectors`): single-metric
detectors by (namespace, metric name, dimensions, stat), kept in the metric store's SQLite file
(table `anomaly_detectors` in metrics.db) when the server has a data directory, so they survive
a restart; and the bands (model.py) GetMetricData's ANOMALY_DETECTION_BAND and anomaly
detection alarms read, on the project clock."""

from __future__ import annotations

import math
from typing import Any

import orjson

from headwater.cloudwatch.anomaly import model
from headwater.cloudwatch.expressions.series import Scope, TimeSeries
from headwater.cloudwatch.statistics import aggregate, compute_set
from headwater.cloudwatch.store import MetricStore

Key = tuple[str, str, str, str, tuple[tuple[str, str], ...], str]
Detector = dict[str, Any]
PENDING, INSUFFICIENT, TRAINED = "PENDING_TRAINING", "TRAINED_INSUFFICIENT_DATA", "TRAINED"
STATE_PERIOD = 60


def key_of(account: str, region: str, namespace: str, name: str,
           dimensions: list[dict[str, str]] | None, stat: str) -> Key:
    dims = tuple(sorted((d["Name"], d["Value"]) for d in dimensions or []))
    return (account, region, namespace, name, dims, stat)


class AnomalyDetectors:
    def __init__(self, metrics: MetricStore) -> None:
        self.metrics = metrics
        self.detectors: dict[Key, Detector] = {}
        db = metrics.db
        if db is not None:
            db.execute("CREATE TABLE IF NOT EXISTS anomaly_detectors (account TEXT, "
                       "region TEXT, namespace TEXT, name TEXT, dimensions TEXT, stat TEXT, "
                       "detector TEXT, PRIMARY KEY (account, region, namespace, name, "
                       "dimensions, stat))")
            for row in db.execute("SELECT account, region, namespace, name, dimensions, stat, "
                                  "detector FROM anomaly_detectors"):
                dims = tuple((k, v) for k, v in orjson.loads(row[4]))
                self.detectors[(row[0], row[1], row[2], row[3], dims, row[5])] = \
                    orjson.loads(row[6])

    def put(self, key: Key, detector: Detector) -> None:
        self.detectors[key] = detector
        if self.metrics.db is not None:
            self.metrics.db.execute(
                "INSERT OR REPLACE INTO anomaly_detectors VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key[:4], orjson.dumps(key[4]).decode(), key[5],
                 orjson.dumps(detector).decode()))

    def delete(self, key: Key) -> bool:
        if self.detectors.pop(key, None) is None:
            return False
        if self.metrics.db is not None:
            self.metrics.db.execute(
                "DELETE FROM anomaly_detectors WHERE account = ? AND region = ? AND "
                "namespace = ? AND name = ? AND dimensions = ? AND stat = ?",
                (*key[:4], orjson.dumps(key[4]).decode(), key[5]))
        return True

    def every(self, account: str, region: str) -> list[tuple[Key, Detector]]:
        return sorted(((k, d) for k, d in self.detectors.items() if k[:2] == (account, region)),
                      key=lambda item: item[0])

    def _history(self, key: Key, start: float, end: float, period: int
                 ) -> list[tuple[float, float]]:
        series = self.metrics.get(key[0], key[1], key[2], key[3], dict(key[4]))
        if series is None:
            return []
        return [(t, compute_set(key[5], data))
                for t, data in sorted(aggregate(series, start, end, period).items())]

    def state(self, key: Key) -> str:
        """PENDING_TRAINING with no datapoint in the training window, TRAINED_INSUFFICIENT_DATA
        with fewer than the model needs, TRAINED otherwise."""
        now = self.metrics.clock.now()
        end = now - now % STATE_PERIOD
        history = self._history(key, end - model.TRAINING, end, STATE_PERIOD)
        if not history:
            return PENDING
        return TRAINED if model.trained(history, end) else INSUFFICIENT

    def band(self, account: str, region: str, stat: dict[str, Any], width: float,
             scope: Scope) -> list[TimeSeries]:
        """[upper, lower] for a MetricStat over the scope; both empty without a detector."""
        metric = stat["Metric"]
        key = key_of(account, region, metric["Namespace"], metric["MetricName"],
                     metric.get("Dimensions"), stat["Stat"])
        period = int(stat["Period"])
        name = metric["MetricName"]
        detector = self.detectors.get(key)
        if detector is None:
            return [TimeSeries(f"{name} Upper", period=period),
                    TimeSeries(f"{name} Lower", period=period)]
        back = math.ceil(model.TRAINING / period) * period
        history = self._history(key, scope.start - back, scope.end, period)
        excluded = [(r["StartTime"], r["EndTime"]) for r in
                    detector.get("Configuration", {}).get("ExcludedTimeRanges", [])]
        upper, lower = model.band(history, scope.moments(period), width, excluded)
        return [TimeSeries(f"{name} Upper", upper, period),
                TimeSeries(f"{name} Lower", lower, period)]
