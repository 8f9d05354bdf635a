"""PutMetricData: users' own metrics, as single values, Values with Counts, or StatisticValues
sets; StorageResolution 1 keeps them per second, otherwise per minute. Namespaces beginning
with "AWS/" are reserved for AWS's own metrics."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.resolutions import DAY
from headwater.cloudwatch.times import epoch

FUTURE = 2 * 3600.0  # AWS accepts timestamps up to two hours ahead
PAST = 15 * DAY  # and up to two weeks back (Headwater allows the 15 days of 1-minute data)


def put_metric_data(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    namespace = request["Namespace"]
    if namespace.startswith("AWS/"):
        raise InvalidParameterValueException(
            f"The value {namespace} for parameter Namespace is invalid.")
    store = ctx.runtime.cloudwatch
    now = store.clock.now()
    for number, datum in enumerate(request.get("MetricData") or [], start=1):
        path = f"MetricData.member.{number}"
        if "MetricName" not in datum:
            raise MissingRequiredParameterException(f"The parameter {path}.MetricName is required.")
        moment = now if datum.get("Timestamp") is None else epoch(datum["Timestamp"])
        if not now - PAST <= moment <= now + FUTURE:
            raise InvalidParameterValueException(
                f"The parameter {path}.Timestamp must specify a time no more than two weeks in "
                "the past and no more than two hours in the future.")
        resolution = 1 if datum.get("StorageResolution") == 1 else 60
        dims = {d["Name"]: d["Value"] for d in datum.get("Dimensions") or []}
        unit = datum.get("Unit") or "None"

        def put(value: float, count: int = 1, name: str = datum["MetricName"]) -> None:
            store.put(ctx.account, ctx.region, namespace, name, dims, value, unit,
                      timestamp=moment, count=count, resolution=resolution)

        given = [m for m in ("Value", "Values", "StatisticValues") if m in datum]
        if len(given) > 1:
            raise InvalidParameterCombinationException(
                f"The parameters {path}.{given[0]} and {path}.{given[1]} are mutually "
                "exclusive and you have specified both.")
        if "Value" in datum:
            put(datum["Value"])
        elif "Values" in datum:
            counts = datum.get("Counts") or [1] * len(datum["Values"])
            if len(counts) != len(datum["Values"]):
                raise InvalidParameterValueException(
                    f"The parameters {path}.Values and {path}.Counts must be of the same size.")
            for value, count in zip(datum["Values"], counts, strict=True):
                put(value, max(1, round(count)))
        elif "StatisticValues" in datum:
            _put_set(put, datum["StatisticValues"])
        else:
            raise MissingRequiredParameterException(
                f"The parameter {path}.Value is required.")
    return {}


def _put_set(put: Any, stats: dict[str, float]) -> None:
    """A statistic set kept exactly in count, sum, minimum and maximum: the minimum and the
    maximum once each, the rest at the mean of what remains."""
    count = max(1, round(stats["SampleCount"]))
    low, high, total = stats["Minimum"], stats["Maximum"], stats["Sum"]
    if count == 1:
        put(total)
        return
    put(low)
    put(high)
    if count > 2:
        put((total - low - high) / (count - 2), count - 2)
