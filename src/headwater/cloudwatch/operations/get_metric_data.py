"""GetMetricData: MetricStat queries (metric math expressions are reported as unsupported),
timestamps newest first unless ScanBy is TimestampAscending."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.statistics import aggregate, check_stat, compute_set
from headwater.cloudwatch.times import epoch


def get_metric_data(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    start, end = epoch(request["StartTime"]), epoch(request["EndTime"])
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime.")
    descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    results = []
    messages: list[dict[str, str]] = []
    for number, query in enumerate(request["MetricDataQueries"], start=1):
        if query.get("ReturnData") is False:
            continue
        stat = query.get("MetricStat")
        if stat is None:
            results.append({"Id": query["Id"], "Label": query.get("Label", query["Id"]),
                            "Timestamps": [], "Values": [], "StatusCode": "InternalError"})
            messages.append({"Code": "Unsupported",
                             "Value": "Metric math expressions are not supported."})
            continue
        check_stat(stat["Stat"])
        metric = stat["Metric"]
        _check_named(metric, f"MetricDataQueries.member.{number}.MetricStat.Metric")
        dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
        series = ctx.runtime.cloudwatch.get(ctx.account, ctx.region, metric["Namespace"],
                                            metric["MetricName"], dimensions)
        points = []
        if series is not None:
            points = [(moment, compute_set(stat["Stat"], data)) for moment, data in
                      aggregate(series, start, end, stat["Period"]).items()]
        points.sort(reverse=descending)
        results.append({"Id": query["Id"], "Label": query.get("Label", metric["MetricName"]),
                        "Timestamps": [p[0] for p in points], "Values": [p[1] for p in points],
                        "StatusCode": "Complete"})
    return {"MetricDataResults": results, "Messages": messages}


def _check_named(metric: dict[str, Any], path: str) -> None:
    """Namespace and MetricName are optional in the model, needed in a MetricStat: AWS names
    the missing one by its query path ("The parameter MetricData.member.12.Dimensions.member.1
    .Value is required.", MissingParameter, as PutMetricData reports it)."""
    for member in ("Namespace", "MetricName"):
        if member not in metric:
            raise MissingRequiredParameterException(f"The parameter {path}.{member} is required.")
