"""GetMetricData: MetricStat queries and metric math expressions (metric_math.py: arithmetic,
functions, METRICS() and SEARCH), timestamps newest first unless ScanBy is
TimestampAscending. Queries with ReturnData false are computed for the expressions that use
them and left out of the answer; a SEARCH answers one result per matching metric, all under
the query's Id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.cloudwatch.context import RequestContext
from headwater.cloudwatch.errors import (
    InvalidParameterValueException,
    MissingRequiredParameterException,
)
from headwater.cloudwatch.metric_math import (
    Evaluator,
    Resolve,
    Searcher,
    TimeSeries,
    Value,
    invalid,
    search_matches,
)
from headwater.cloudwatch.statistics import aggregate, check_stat, compute_set
from headwater.cloudwatch.store import Series
from headwater.cloudwatch.times import epoch


def get_metric_data(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    start, end = epoch(request["StartTime"]), epoch(request["EndTime"])
    if end <= start:
        raise InvalidParameterValueException(
            "The parameter StartTime must be less than the parameter EndTime.")
    descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    queries = request["MetricDataQueries"]
    by_id = {query["Id"]: (number, query) for number, query in enumerate(queries, start=1)}
    store = ctx.runtime.cloudwatch
    done: dict[str, Value] = {}
    running: set[str] = set()

    def points(series: Series | None, stat: str, period: int, label: str) -> TimeSeries:
        found = TimeSeries(label, period=period)
        if series is not None:
            found.points = {moment: compute_set(stat, data) for moment, data in
                            sorted(aggregate(series, start, end, period).items())}
        return found

    def metric_points(metric: dict[str, Any], stat: str, period: int) -> TimeSeries:
        dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
        series = store.get(ctx.account, ctx.region, metric["Namespace"], metric["MetricName"],
                           dimensions)
        return points(series, stat, period, metric["MetricName"])

    def search(expression: str, stat: str, period: int) -> list[TimeSeries]:
        check_stat(stat)
        return [points(s, stat, period, " ".join([s.name, *(v for _, v in s.dimensions)]))
                for s in store.find(ctx.account, ctx.region) if search_matches(expression, s)]

    def resolve(name: str) -> Value:
        if name.startswith("METRICS("):
            wanted = name[len("METRICS("):-1]
            return [v for i, (_, q) in by_id.items() if "MetricStat" in q and wanted in i
                    for v in [resolve(i)] if isinstance(v, TimeSeries)]
        if name in done:
            return done[name]
        if name not in by_id:
            raise InvalidParameterValueException(f"Unknown metric or expression id: {name}")
        if name in running:
            raise InvalidParameterValueException(
                f"Metric math expressions contain a circular reference: {name}")
        running.add(name)
        number, query = by_id[name]
        done[name] = _evaluate(number, query, metric_points, search, resolve)
        running.discard(name)
        return done[name]

    results = []
    for query in queries:
        if query.get("ReturnData") is False:
            continue
        value = resolve(query["Id"])
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


def _evaluate(number: int, query: dict[str, Any],
              metric_points: Callable[[dict[str, Any], str, int], TimeSeries],
              search: Searcher, resolve: Resolve) -> Value:
    stat = query.get("MetricStat")
    if stat is not None:
        check_stat(stat["Stat"])
        metric = stat["Metric"]
        _check_named(metric, f"MetricDataQueries.member.{number}.MetricStat.Metric")
        return metric_points(metric, stat["Stat"], stat["Period"])
    expression = query.get("Expression")
    if not expression:
        raise MissingRequiredParameterException(
            f"The parameter MetricDataQueries.member.{number}.MetricStat is required.")
    return Evaluator(expression, resolve, search, int(query.get("Period") or 60)).run()


def _check_named(metric: dict[str, Any], path: str) -> None:
    """Namespace and MetricName are optional in the model, needed in a MetricStat: AWS names
    the missing one by its query path ("The parameter MetricData.member.12.Dimensions.member.1
    .Value is required.", MissingParameter, as PutMetricData reports it)."""
    for member in ("Namespace", "MetricName"):
        if member not in metric:
            raise MissingRequiredParameterException(f"The parameter {path}.{member} is required.")
