"""Trigger metrics per mapping and shard (aws-facts §4.8): Prometheus series at `/metrics` and
CloudWatch datapoints under AWS's names (AWS/Lambda IteratorAge, Invocations, Errors,
Throttles, Duration by FunctionName). With MetricsConfig `EventCount` a mapping also reports
its event counts by EventSourceMappingUUID: PolledEventCount, FilteredOutEventCount,
InvokedEventCount, FailedInvokeEventCount, DroppedEventCount and
OnFailureDestinationDeliveredEventCount, in CloudWatch and as `headwater_trigger_events_total`
by `kind` (polled, filtered_out, invoked, failed_invoke, dropped, ...) at /metrics."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge

from headwater.cloudwatch.store import MetricStore
from headwater.core.events import Publish, ignore

LAMBDA = "AWS/Lambda"
_LABELS = ["function", "uuid", "shard"]


@dataclass(frozen=True, slots=True)
class Source:
    """Whose numbers these are: one shard of one mapping."""

    account: str
    region: str
    function: str
    uuid: str
    shard: str
    counts_events: bool = False  # MetricsConfig EventCount

    @property
    def labels(self) -> tuple[str, str, str]:
        return self.function, self.uuid, self.shard


class TriggerMetrics:
    def __init__(self, cloudwatch: MetricStore, registry: CollectorRegistry | None = None,
                 publish: Publish = ignore) -> None:
        """`publish` announces each batch step as it happens (the live console)."""
        self.cloudwatch = cloudwatch
        self.publish = publish
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
        self.events = Counter("headwater_trigger_events",
                              "Event counts of mappings with MetricsConfig EventCount",
                              [*_LABELS, "kind"], registry=r)
        self.loop_failures = Counter("headwater_trigger_loop_failures",
                                     "Consumer iterations that failed unexpectedly", _LABELS,
                                     registry=r)

    def _announce(self, s: Source, step: str, **fields: object) -> None:
        if self.publish is not ignore:
            self.publish("batch", {"uuid": s.uuid, "function": s.function, "shardId": s.shard,
                                   "step": step, **fields})

    def _by_function(self, s: Source, name: str, value: float, unit: str = "Count", *,
                     counted_by_functions: bool = False) -> None:
        """By FunctionName and by FunctionName + EventSourceMappingUUID; metrics the function
        layer records itself for every invocation (Invocations, Errors, Duration, Throttles:
        functions/metrics.py) only by the mapping, so they are not counted twice."""
        put = self.cloudwatch.put
        if not counted_by_functions:
            put(s.account, s.region, LAMBDA, name, {"FunctionName": s.function}, value, unit)
        put(s.account, s.region, LAMBDA, name,
            {"FunctionName": s.function, "EventSourceMappingUUID": s.uuid}, value, unit)

    def _by_mapping(self, s: Source, name: str, value: float) -> None:
        if not s.counts_events or not value:
            return
        kind = re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("EventCount")).lower()
        self.events.labels(*s.labels, kind).inc(value)
        self.cloudwatch.put(s.account, s.region, LAMBDA, name,
                            {"EventSourceMappingUUID": s.uuid}, value)

    def polled(self, s: Source, count: int) -> None:
        if count:
            self._announce(s, "polled", count=count)
        self._by_mapping(s, "PolledEventCount", count)

    def filtered_out(self, s: Source, count: int) -> None:
        if count:
            self._announce(s, "filtered_out", count=count)
        self._by_mapping(s, "FilteredOutEventCount", count)

    def invoked_events(self, s: Source, count: int, failed: bool) -> None:
        self._announce(s, "invoked_events", count=count, failed=failed)
        self._by_mapping(s, "InvokedEventCount", count)
        if failed:
            self._by_mapping(s, "FailedInvokeEventCount", count)

    def invoked(self, s: Source, duration_ms: float, error: bool, attempt: int = 1) -> None:
        self._announce(s, "invoked", durationMs=duration_ms, error=error, attempt=attempt)
        self.invocations.labels(*s.labels).inc()
        self._by_function(s, "Invocations", 1, counted_by_functions=True)
        self._by_function(s, "Duration", duration_ms, "Milliseconds", counted_by_functions=True)
        self._by_function(s, "Errors", 1 if error else 0, counted_by_functions=True)
        if error:
            self.errors.labels(*s.labels).inc()

    def throttled(self, s: Source) -> None:
        self._announce(s, "throttled")
        self.throttles.labels(*s.labels).inc()
        self._by_function(s, "Throttles", 1, counted_by_functions=True)

    def batch_sent(self, s: Source, age_ms: float) -> None:
        self._announce(s, "sent", iteratorAgeMs=age_ms)
        self.iterator_age.labels(*s.labels).set(age_ms)
        self._by_function(s, "IteratorAge", age_ms, "Milliseconds")

    def succeeded(self, s: Source, count: int) -> None:
        self._announce(s, "succeeded", count=count)
        self.delivered.labels(*s.labels).inc(count)

    def dropped(self, s: Source, count: int, to_destination: bool, condition: str = "",
                destination: str | None = None) -> None:
        self._announce(s, "dropped", count=count, toDestination=to_destination,
                       condition=condition, destination=destination)
        self.discarded.labels(*s.labels).inc(count)
        self._by_mapping(s, "DroppedEventCount", count)
        if to_destination:
            self._by_mapping(s, "OnFailureDestinationDeliveredEventCount", count)

    def partial(self, s: Source, succeeded: int, remaining: int) -> None:
        """A partial batch response: the first `succeeded` records are done (no metric)."""
        self._announce(s, "partial", count=succeeded, remaining=remaining)

    def bisected(self, s: Source, first: int, second: int) -> None:
        """A failed batch split in two (no metric; the live console shows it)."""
        self._announce(s, "bisected", sizes=[first, second])

    def failed_iteration(self, s: Source) -> None:
        self._announce(s, "failed_iteration")
        self.loop_failures.labels(*s.labels).inc()
