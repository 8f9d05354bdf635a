"""AWS/Lambda function metrics (Lambda developer guide, "Types of metrics for Lambda
functions"), recorded through the recorder the composition root hands to the function service
(`record(account, region, metric, dimensions, value, unit)`):

- invocation: Invocations, Errors, Throttles (Count), Duration (Milliseconds) by FunctionName,
  by FunctionName + Resource (name:qualifier) for qualified invokes, and by FunctionName +
  Resource + ExecutedVersion for alias invokes;
- concurrency: ConcurrentExecutions by FunctionName and for the account (no dimensions), and
  UnreservedConcurrentExecutions for the account: sampled when an invocation starts;
- asynchronous invocation: AsyncEventsReceived, AsyncEventAge (Milliseconds),
  AsyncEventsDropped, DeadLetterErrors, DestinationDeliveryFailures by FunctionName.
"""

from __future__ import annotations

from collections.abc import Callable

from headwater.functions.invocation import Resolved

Record = Callable[..., None]


def dimension_sets(resolved: Resolved) -> list[dict[str, str]]:
    name = resolved.record.name
    sets = [{"FunctionName": name}]
    qualifier = resolved.ref.qualifier
    if qualifier:
        resource = {"FunctionName": name, "Resource": f"{name}:{qualifier}"}
        sets.append(resource)
        if resolved.alias is not None:
            sets.append({**resource, "ExecutedVersion": resolved.version})
    return sets


def invoked(record: Record, resolved: Resolved, duration_ms: float, error: bool) -> None:
    where = (resolved.record.account, resolved.record.region)
    for dims in dimension_sets(resolved):
        record(*where, "Invocations", dims, 1)
        record(*where, "Errors", dims, 1 if error else 0)
        record(*where, "Duration", dims, duration_ms, "Milliseconds")


def throttled(record: Record, resolved: Resolved) -> None:
    where = (resolved.record.account, resolved.record.region)
    for dims in dimension_sets(resolved):
        record(*where, "Throttles", dims, 1)


def concurrency(record: Record, resolved: Resolved, running: int, total: int,
                unreserved: int) -> None:
    where = (resolved.record.account, resolved.record.region)
    record(*where, "ConcurrentExecutions", {"FunctionName": resolved.record.name}, running)
    record(*where, "ConcurrentExecutions", {}, total)
    record(*where, "UnreservedConcurrentExecutions", {}, unreserved)


def by_function(record: Record, account: str, region: str, function: str, metric: str,
                value: float, unit: str = "Count") -> None:
    """An asynchronous-invocation metric of `function` (a name or ARN)."""
    name = function.split(":function:", 1)[-1].split(":", 1)[0]
    record(account, region, metric, {"FunctionName": name}, value, unit)
