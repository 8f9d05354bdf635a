"""Trigger metrics per mapping and shard (aws-facts §4.8): Prometheus series at `/metrics` and
CloudWatch datapoints under AWS's names (AWS/Lambda IteratorAge, Invocations, Errors,
Throttles, Duration; the ESM event counts by EventSourceMappingUUID)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from headwater.cloudwatch.store import MetricStore

LAMBDA = "AWS/Lambda"
_LABELS = ["function", "uuid", "shard"]


class TriggerMetrics:
    def __init__(self, cloudwatch: MetricStore, registry: CollectorRegistry | None = None
                 ) -> None:
        self.cloudwatch = cloudwatch
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.iterator_age = Gauge("headwater_trigger_iterator_age_milliseconds",
                                  "Age of the last record of the last batch sent", _LABELS,
                                  registry=r)
        self.invocations = Counter("headwater_trigger_invocations",
                                   "Function invocations by mappings", _LABELS, registry=r)
        self.errors = Counter("headwater_trigger_errors",
                              "Invocations that returned a function error", _LABELS, registry=r)
        self.throttles = Counter("headwater_trigger_throttles",
                                 "Invocations throttled or refused before the function ran",
                                 _LABELS, registry=r)
        self.delivered = Counter("headwater_trigger_records_delivered",
                                 "Records processed successfully", _LABELS, registry=r)
        self.discarded = Counter("headwater_trigger_records_discarded",
                                 "Records sent to OnFailure or dropped", _LABELS, registry=r)
        self.loop_failures = Counter("headwater_trigger_loop_failures",
                                     "Consumer iterations that failed unexpectedly", _LABELS,
                                     registry=r)

    def _cw(self, function: str, uuid: str, name: str, value: float, unit: str = "Count"
            ) -> None:
        self.cloudwatch.put(LAMBDA, name, {"FunctionName": function}, value, unit)
        self.cloudwatch.put(LAMBDA, name, {"FunctionName": function,
                                           "EventSourceMappingUUID": uuid}, value, unit)

    def invoked(self, function: str, uuid: str, shard: str, duration_ms: float,
                error: bool) -> None:
        self.invocations.labels(function, uuid, shard).inc()
        self._cw(function, uuid, "Invocations", 1)
        self._cw(function, uuid, "Duration", duration_ms, "Milliseconds")
        self._cw(function, uuid, "Errors", 1 if error else 0)
        if error:
            self.errors.labels(function, uuid, shard).inc()

    def throttled(self, function: str, uuid: str, shard: str) -> None:
        self.throttles.labels(function, uuid, shard).inc()
        self._cw(function, uuid, "Throttles", 1)

    def batch_sent(self, function: str, uuid: str, shard: str, age_ms: float) -> None:
        self.iterator_age.labels(function, uuid, shard).set(age_ms)
        self._cw(function, uuid, "IteratorAge", age_ms, "Milliseconds")

    def succeeded(self, function: str, uuid: str, shard: str, count: int) -> None:
        self.delivered.labels(function, uuid, shard).inc(count)
        self.cloudwatch.put(LAMBDA, "InvokedEventCount", {"EventSourceMappingUUID": uuid}, count)

    def dropped(self, function: str, uuid: str, shard: str, count: int,
                to_destination: bool) -> None:
        self.discarded.labels(function, uuid, shard).inc(count)
        self.cloudwatch.put(LAMBDA, "DroppedEventCount", {"EventSourceMappingUUID": uuid}, count)
        if to_destination:
            self.cloudwatch.put(LAMBDA, "OnFailureDestinationDeliveredEventCount",
                                {"EventSourceMappingUUID": uuid}, count)
