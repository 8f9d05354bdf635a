"""GetMetricData: MetricStat queries and metric math expressions (expressions/: arithmetic,
comparisons, the documented functions, METRICS(), SEARCH and ANOMALY_DETECTION_BAND),
timestamps newest first unless ScanBy is TimestampAscending. Queries with ReturnData false are
computed for the expressions that use them and left out of the answer; an expression giving an
array answers one result per series, all under the query's Id.

StartTime is rounded down as the API reference says (to the minute when it is less than 15
days ago, to 5 minutes up to 63 days, to the hour beyond), and a MetricStat whose Period does
not suit the age of StartTime returns no datapoints (statistics.serves)."""

from __future__ import annotations

from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.expressions.queries import QuerySet, invalid
from headwater.cloudwatch.expressions.series import Scope, TimeSeries
from headwater.cloudwatch.metric_search import search_matches
from headwater.cloudwatch.resolutions import rounded_start, serves
from headwater.cloudwatch.statistics import aggregate, check_stat, compute_set
from headwater.cloudwatch.store import Series
from headwater.cloudwatch.times import epoch


def get_metric_data(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    start, end = epoch(request["StartTime"]), epoch(request["EndTime"])
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime.")
    queries = request["MetricDataQueries"]
    for number, query in enumerate(queries, start=1):
        _check_query(number, query)
    store = ctx.runtime.cloudwatch
    now = store.clock.now()
    periods = [q["MetricStat"]["Period"] for q in queries if "MetricStat" in q]
    smallest = min(periods, default=60)
    scope = Scope(rounded_start(start, now, smallest), end, smallest)

    def points(series: Series | None, stat: str, period: int, label: str,
               scope: Scope) -> TimeSeries:
        found = TimeSeries(label, period=period)
        if series is not None and serves(period, scope.start, now):
            found.points = {moment: compute_set(stat, data) for moment, data in
                            sorted(aggregate(series, scope.start, scope.end, period).items())}
        return found

    def fetch(stat: dict[str, Any], scope: Scope) -> TimeSeries:
        metric = stat["Metric"]
        dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
        series = store.get(ctx.account, ctx.region, metric["Namespace"], metric["MetricName"],
                           dimensions)
        if series is not None and stat.get("Unit") and stat["Unit"] != series.unit:
            series = None
        return points(series, stat["Stat"], stat["Period"], metric["MetricName"], scope)

    def search(expression: str, stat: str, period: int, scope: Scope) -> list[TimeSeries]:
        check_stat(stat)
        return [points(s, stat, period, " ".join([s.name, *(v for _, v in s.dimensions)]),
                       scope)
                for s in store.find(ctx.account, ctx.region) if search_matches(expression, s)]

    def band(stat: dict[str, Any], width: float, scope: Scope) -> list[TimeSeries]:
        return ctx.runtime.anomaly_detectors.band(ctx.account, ctx.region, stat, width, scope)

    values = QuerySet(queries, scope, fetch, search, band)
    descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    results = []
    for query in queries:
        if query.get("ReturnData") is False:
            continue
        value = values.resolve(query["Id"])
        if isinstance(value, float):
            raise invalid(query.get("Expression", ""),
                          "The expression must return a time series or an array of them")
        for series in value if isinstance(value, list) else [value]:
            label = query.get("Label") or series.label or query["Id"]
            ordered = sorted(series.points.items(), reverse=descending)
            results.append({"Id": query["Id"], "Label": label,
                            "Timestamps": [p[0] for p in ordered],
                            "Values": [p[1] for p in ordered], "StatusCode": "Complete"})
    return {"MetricDataResults": results, "Messages": []}


def _check_query(number: int, query: dict[str, Any]) -> None:
    stat = query.get("MetricStat")
    if stat is not None:
        check_stat(stat["Stat"])
        _check_named(stat["Metric"], f"MetricDataQueries.member.{number}.MetricStat.Metric")
    elif not query.get("Expression"):
        raise MissingRequiredParameterException(
            f"The parameter MetricDataQueries.member.{number}.MetricStat is required.")


def _check_named(metric: dict[str, Any], path: str) -> None:
    """Namespace and MetricName are optional in the model, needed in a MetricStat: AWS names
    the missing one by its query path ("The parameter MetricData.member.12.Dimensions.member.1
    .Value is required.", MissingParameter, as PutMetricData reports it)."""
    for member in ("Namespace", "MetricName"):
        if member not in metric:
            raise MissingRequiredParameterException(f"The parameter {path}.{member} is required.")
