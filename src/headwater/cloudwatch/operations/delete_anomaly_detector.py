"""DeleteAnomalyDetector: remove a single-metric anomaly detector; ResourceNotFoundException
when there is none for that metric and stat."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import ResourceNotFoundException
from headwater.cloudwatch.operations.anomaly_detector_target import target


def delete_anomaly_detector(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    key, _ = target(ctx, request)
    if not ctx.runtime.anomaly_detectors.delete(key):
        raise ResourceNotFoundException("No anomaly detector found for the given metric "
                                        "and stat.")
    return {}
