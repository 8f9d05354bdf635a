"""DescribeAnomalyDetectors: the account's detectors, filtered by Namespace, MetricName and
Dimensions (each given dimension must match) and AnomalyDetectorTypes, 100 per page by
default; each with its training state (anomaly/registry.py)."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.alarms.paging import page
from headwater.cloudwatch.context import RequestContext

SINGLE = "SINGLE_METRIC"


def describe_anomaly_detectors(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    registry = ctx.runtime.anomaly_detectors
    types = request.get("AnomalyDetectorTypes") or [SINGLE]
    wanted_dims = {(d["Name"], d["Value"]) for d in request.get("Dimensions") or []}
    found = []
    for key, detector in registry.every(ctx.account, ctx.region):
        if SINGLE not in types:
            continue
        if request.get("Namespace") and key[2] != request["Namespace"]:
            continue
        if request.get("MetricName") and key[3] != request["MetricName"]:
            continue
        if not wanted_dims <= set(key[4]):
            continue
        metric = detector["SingleMetricAnomalyDetector"]
        shown: dict[str, Any] = {**metric, "Configuration": detector["Configuration"],
                                 "StateValue": registry.state(key),
                                 "SingleMetricAnomalyDetector": metric}
        if "MetricCharacteristics" in detector:
            shown["MetricCharacteristics"] = detector["MetricCharacteristics"]
        found.append(shown)
    paging = {"MaxRecords": request.get("MaxResults"), "NextToken": request.get("NextToken")}
    shown_page, token = page(found, paging, 100, 100)
    result: dict[str, Any] = {"AnomalyDetectors": shown_page}
    if token:
        result["NextToken"] = token
    return result
