"""What the CloudWatch operations reach through their context: the metric store, the alarms
and storage; and, for the per-stream GetRecords metrics wrapped around a Streams operation, the
change log too. The composition root's runtime provides them (runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from headwater.core import context

if TYPE_CHECKING:
    from headwater.cloudwatch.alarms.registry import Alarms
    from headwater.cloudwatch.anomaly.registry import AnomalyDetectors
    from headwater.cloudwatch.store import MetricStore
    from headwater.core.storage import Storage
    from headwater.streams.log import StreamLog


class CloudWatchServices(context.Served, Protocol):
    @property
    def cloudwatch(self) -> MetricStore: ...

    @property
    def alarms(self) -> Alarms: ...

    @property
    def anomaly_detectors(self) -> AnomalyDetectors: ...

    @property
    def storage(self) -> Storage: ...


class StreamMetricsServices(CloudWatchServices, Protocol):
    @property
    def streams(self) -> StreamLog: ...


RequestContext = context.RequestContext[CloudWatchServices]
