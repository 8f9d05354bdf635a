"""PutAnomalyDetector: create or replace a single-metric anomaly detector (anomaly/model.py
describes the model and how it trains)."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.operations.anomaly_detector_target import target
from headwater.cloudwatch.times import epoch


def put_anomaly_detector(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    key, metric = target(ctx, request)
    configuration = dict(request.get("Configuration") or {})
    ranges = []
    for number, found in enumerate(configuration.get("ExcludedTimeRanges") or [], start=1):
        start, end = epoch(found["StartTime"]), epoch(found["EndTime"])
        if end <= start:
            raise InvalidParameterValueException(
                f"The parameter Configuration.ExcludedTimeRanges.member.{number}.StartTime "
                "must be less than the parameter EndTime.")
        ranges.append({"StartTime": start, "EndTime": end})
    configuration["ExcludedTimeRanges"] = ranges
    detector: dict[str, Any] = {"SingleMetricAnomalyDetector": metric,
                                "Configuration": configuration}
    if request.get("MetricCharacteristics") is not None:
        detector["MetricCharacteristics"] = request["MetricCharacteristics"]
    ctx.runtime.anomaly_detectors.put(key, detector)
    return {}
