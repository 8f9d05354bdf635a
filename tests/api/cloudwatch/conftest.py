"""CloudWatch fixtures: a client on the session server, and a reader of one metric's
statistics over the hour around the virtual clock's now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from server_support import Clock, client


@pytest.fixture(scope="session")
def cloudwatch(endpoint: str) -> Any:
    return client("cloudwatch", endpoint)


@pytest.fixture
def stats(cloudwatch: Any, clock: Clock) -> Callable[..., dict[str, float]]:
    """stats(namespace, name, dims) -> the one datapoint (statistics by name, with
    ExtendedStatistics flattened in) over the hour around now; {} when there is none."""
    def read(namespace: str, name: str, dims: dict[str, str],
             extended: tuple[str, ...] = ()) -> dict[str, Any]:
        now = clock.now()
        kwargs: dict[str, Any] = {"ExtendedStatistics": list(extended)} if extended else {}
        answer = cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName=name,
            Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
            StartTime=now - 1800, EndTime=now + 1800, Period=3600,
            Statistics=["Sum", "SampleCount", "Minimum", "Maximum", "Average"], **kwargs)
        points = answer["Datapoints"]
        assert len(points) <= 1
        if not points:
            return {}
        point = dict(points[0])
        point.update(point.pop("ExtendedStatistics", {}))
        return point

    return read
