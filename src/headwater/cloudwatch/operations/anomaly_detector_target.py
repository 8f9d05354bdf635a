"""The metric an anomaly detector request names: SingleMetricAnomalyDetector, or the deprecated
top-level Namespace, MetricName, Dimensions and Stat (PutAnomalyDetector, DeleteAnomalyDetector
API reference). Metric math detectors are refused: Headwater models single metrics only."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.anomaly.registry import Key, key_of
from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.statistics import check_stat

LEGACY = ("Namespace", "MetricName", "Dimensions", "Stat")


def target(ctx: RequestContext, request: dict[str, Any]) -> tuple[Key, dict[str, Any]]:
    """(key, SingleMetricAnomalyDetector) of the request."""
    single = request.get("SingleMetricAnomalyDetector")
    legacy = {m: request[m] for m in LEGACY if request.get(m) is not None}
    if request.get("MetricMathAnomalyDetector") is not None:
        if single is not None or legacy:
            raise InvalidParameterCombinationException(
                "Only one of SingleMetricAnomalyDetector or MetricMathAnomalyDetector may be "
                "specified.")
        raise InvalidParameterValueException(
            "Headwater supports single-metric anomaly detectors only; "
            "MetricMathAnomalyDetector is not supported.")
    if single is not None and legacy:
        raise InvalidParameterCombinationException(
            "SingleMetricAnomalyDetector may not be used together with the Namespace, "
            "MetricName, Dimensions and Stat parameters.")
    metric = dict(single if single is not None else legacy)
    prefix = "SingleMetricAnomalyDetector." if single is not None else ""
    for member in ("Namespace", "MetricName", "Stat"):
        if not metric.get(member):
            raise MissingRequiredParameterException(
                f"The parameter {prefix}{member} is required.")
    check_stat(metric["Stat"])
    metric.setdefault("Dimensions", [])
    metric.pop("AccountId", None)
    key = key_of(ctx.account, ctx.region, metric["Namespace"], metric["MetricName"],
                 metric["Dimensions"], metric["Stat"])
    return key, metric
