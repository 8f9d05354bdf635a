"""The MetricDataQuery list of one request (GetMetricData, or an alarm's Metrics) as a set of
values by Id: MetricStat queries fetched through the caller, expressions parsed and evaluated
on demand (each once, circular references refused), with AWS-shaped errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.cloudwatch.errors import InvalidParameterValueException
from headwater.cloudwatch.expressions.evaluate import evaluate
from headwater.cloudwatch.expressions.series import ExpressionTypeError, Scope, TimeSeries, Value
from headwater.cloudwatch.expressions.syntax import ExpressionError, parse

# (MetricStat, scope) -> the series
Fetch = Callable[[dict[str, Any], Scope], TimeSeries]
# (search expression, stat, period, scope) -> the matching series
Search = Callable[[str, str, int, Scope], list[TimeSeries]]
# (MetricStat, width in standard deviations, scope) -> [upper, lower]
Band = Callable[[dict[str, Any], float, Scope], list[TimeSeries]]


def invalid(expression: str, why: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"Error in expression '{expression}': {why}")


def _no_search(expression: str, stat: str, period: int, scope: Scope) -> list[TimeSeries]:
    raise ExpressionError("SEARCH is not valid here")


def _no_band(stat: dict[str, Any], width: float, scope: Scope) -> list[TimeSeries]:
    raise ExpressionError("ANOMALY_DETECTION_BAND is not valid here")


class QuerySet:
    def __init__(self, queries: list[dict[str, Any]], scope: Scope, fetch: Fetch,
                 search: Search = _no_search, band: Band = _no_band) -> None:
        self.queries = {q["Id"]: q for q in queries}
        self.order = [q["Id"] for q in queries]
        self.scope = scope
        self.fetch = fetch
        self._search = search
        self._band = band
        self.done: dict[str, Value] = {}
        self.running: set[str] = set()

    # -- Sources ----------------------------------------------------------------------------

    def has(self, query_id: str) -> bool:
        return query_id in self.queries

    def resolve(self, query_id: str) -> Value:
        if query_id in self.done:
            return self.done[query_id]
        if query_id not in self.queries:
            raise InvalidParameterValueException(
                f"Unknown metric or expression id: {query_id}")
        if query_id in self.running:
            raise InvalidParameterValueException(
                f"Metric math expressions contain a circular reference: {query_id}")
        self.running.add(query_id)
        try:
            value = self._compute(self.queries[query_id])
        finally:
            self.running.discard(query_id)
        self.done[query_id] = value
        return value

    def metrics(self, contains: str) -> list[TimeSeries]:
        found = []
        for query_id in self.order:
            if "MetricStat" in self.queries[query_id] and contains in query_id:
                value = self.resolve(query_id)
                if isinstance(value, TimeSeries):
                    found.append(value)
        return found

    def search(self, expression: str, stat: str, period: int) -> list[TimeSeries]:
        return self._search(expression, stat, period, self.scope)

    def band(self, query_id: str, width: float) -> list[TimeSeries]:
        query = self.queries.get(query_id)
        if query is None:
            raise InvalidParameterValueException(
                f"Unknown metric or expression id: {query_id}")
        if "MetricStat" not in query:
            raise ExpressionError("ANOMALY_DETECTION_BAND takes the Id of a MetricStat query")
        return self._band(query["MetricStat"], width, self._scope_of(query))

    # -- evaluation -------------------------------------------------------------------------

    def _scope_of(self, query: dict[str, Any]) -> Scope:
        period = query.get("Period") or query.get("MetricStat", {}).get("Period")
        return Scope(self.scope.start, self.scope.end, int(period or self.scope.period))

    def _compute(self, query: dict[str, Any]) -> Value:
        scope = self._scope_of(query)
        if "MetricStat" in query:
            return self.fetch(query["MetricStat"], scope)
        expression = query.get("Expression") or ""
        try:
            return evaluate(parse(expression), scope, self)
        except (ExpressionError, ExpressionTypeError) as error:
            raise invalid(expression, str(error)) from None
