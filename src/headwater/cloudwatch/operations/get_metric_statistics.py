"""GetMetricStatistics: one metric (exact dimension set), datapoints per Period between
StartTime and EndTime with the requested Statistics / ExtendedStatistics. A Period that does
not suit the age of StartTime (a multiple of 60 beyond 3 hours, of 300 beyond 15 days, of 3600
beyond 63 days) gets no datapoints, as the API reference says (resolutions.py)."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
)
from headwater.cloudwatch.resolutions import serves
from headwater.cloudwatch.statistics import aggregate, check_period, compute_set
from headwater.cloudwatch.times import epoch


def get_metric_statistics(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    stats = list(request.get("Statistics") or [])
    extended = list(request.get("ExtendedStatistics") or [])
    if not stats and not extended:
        raise InvalidParameterCombinationException(
            "Must specify either Statistics or ExtendedStatistics, but not both.")
    start, end = epoch(request["StartTime"]), epoch(request["EndTime"])
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime.")
    check_period(request["Period"], start, end)
    dimensions = {d["Name"]: d["Value"] for d in request.get("Dimensions") or []}
    series = ctx.runtime.cloudwatch.get(ctx.account, ctx.region, request["Namespace"],
                                        request["MetricName"], dimensions)
    datapoints = []
    served = serves(request["Period"], start, ctx.runtime.cloudwatch.clock.now())
    if series is not None and served and (not request.get("Unit")
                                          or request["Unit"] == series.unit):
        for moment, data in sorted(aggregate(series, start, end, request["Period"]).items()):
            point: dict[str, Any] = {"Timestamp": moment}
            for stat in stats:
                point[stat] = compute_set(stat, data)
            if extended:
                point["ExtendedStatistics"] = {s: compute_set(s, data) for s in extended}
            point["Unit"] = series.unit
            datapoints.append(point)
    return {"Label": request["MetricName"], "Datapoints": datapoints}
