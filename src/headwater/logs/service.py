"""CloudWatch Logs, the subset `aws logs tail` and boto3 readers use (JSON 1.1, target prefix
`Logs_20140328`): DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents.
Filter patterns: space-separated terms (quoted phrases allowed), all of which must appear."""

from __future__ import annotations

import shlex
from typing import Any

from headwater.logs.context import RequestContext
from headwater.logs.store import LogStream
from headwater.wire.errors import AwsError

MAX_EVENTS = 10_000


class ResourceNotFoundException(AwsError):
    code = "ResourceNotFoundException"


class InvalidParameterException(AwsError):
    code = "InvalidParameterException"


def _arn(ctx: RequestContext, group: str) -> str:
    return f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:{group}"


def _token(raw: str | None, prefix: str = "") -> int:
    if not raw:
        return 0
    try:
        return int(raw.split("/", 1)[-1])
    except ValueError:
        raise InvalidParameterException("The specified nextToken is invalid.")


def _streams(ctx: RequestContext, group: str) -> list[LogStream]:
    streams = ctx.runtime.logs.streams(ctx.account, ctx.region, group)
    if not streams:
        raise ResourceNotFoundException("The specified log group does not exist.")
    return streams


def describe_log_groups(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    prefix = request.get("logGroupNamePrefix") or ""
    pattern = request.get("logGroupNamePattern")
    groups = ctx.runtime.logs.groups(ctx.account, ctx.region, prefix)
    if pattern:
        groups = [g for g in groups if pattern.lower() in g[0].lower()]
    start = _token(request.get("nextToken"))
    limit = int(request.get("limit") or 50)
    items = [{"logGroupName": name, "creationTime": created, "metricFilterCount": 0,
              "arn": _arn(ctx, name) + ":*", "logGroupArn": _arn(ctx, name), "storedBytes": 0,
              "logGroupClass": "STANDARD"} for name, created in groups[start:start + limit]]
    result: dict[str, Any] = {"logGroups": items}
    if start + limit < len(groups):
        result["nextToken"] = f"g/{start + limit}"
    return result


def describe_log_streams(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    group = request.get("logGroupName") or _group_from_arn(request.get("logGroupIdentifier"))
    streams = _streams(ctx, group)
    prefix = request.get("logStreamNamePrefix")
    if prefix:
        streams = [s for s in streams if s.name.startswith(prefix)]
    if request.get("orderBy") == "LastEventTime":
        streams.sort(key=lambda s: (s.last_event or 0, s.name))
    if request.get("descending"):
        streams.reverse()
    start = _token(request.get("nextToken"))
    limit = int(request.get("limit") or 50)
    items = [{"logStreamName": s.name, "creationTime": s.created,
              "firstEventTimestamp": s.first_event, "lastEventTimestamp": s.last_event,
              "lastIngestionTime": s.last_event, "uploadSequenceToken": "1",
              "arn": f"{_arn(ctx, group)}:log-stream:{s.name}", "storedBytes": 0}
             for s in streams[start:start + limit]]
    result: dict[str, Any] = {"logStreams": items}
    if start + limit < len(streams):
        result["nextToken"] = f"s/{start + limit}"
    return result


def get_log_events(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    group = request.get("logGroupName") or _group_from_arn(request.get("logGroupIdentifier"))
    streams = [s for s in _streams(ctx, group) if s.name == request["logStreamName"]]
    if not streams:
        raise ResourceNotFoundException("The specified log stream does not exist.")
    logs = ctx.runtime.logs
    limit = min(int(request.get("limit") or MAX_EVENTS), MAX_EVENTS)
    token = request.get("nextToken") or ""
    start, end = request.get("startTime"), request.get("endTime")
    ids = [streams[0].id]
    backward = token.startswith("b/") or (not token and not request.get("startFromHead"))
    if backward:
        before = _token(token) if token else None
        events = list(reversed(logs.events(ids, 0, before, start, end, limit, descending=True)))
    else:
        events = logs.events(ids, _token(token), None, start, end, limit)
    first = events[0].id if events else _token(token)
    last = events[-1].id if events else _token(token)
    return {
        "events": [{"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion}
                   for e in events],
        "nextForwardToken": f"f/{last:056d}",
        "nextBackwardToken": f"b/{first:056d}",
    }


def filter_log_events(ctx: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    group = request.get("logGroupName") or _group_from_arn(request.get("logGroupIdentifier"))
    streams = _streams(ctx, group)
    names = request.get("logStreamNames")
    if names:
        streams = [s for s in streams if s.name in names]
    prefix = request.get("logStreamNamePrefix")
    if prefix:
        streams = [s for s in streams if s.name.startswith(prefix)]
    terms = _terms(request.get("filterPattern") or "")
    limit = min(int(request.get("limit") or MAX_EVENTS), MAX_EVENTS)
    after = _token(request.get("nextToken"))
    logs = ctx.runtime.logs
    ids = [s.id for s in streams]
    found: list[Any] = []
    while len(found) < limit:
        batch = logs.events(ids, after, None, request.get("startTime"), request.get("endTime"),
                            1000)
        if not batch:
            break
        for event in batch:
            after = event.id
            if all(term in event.message for term in terms):
                found.append(event)
                if len(found) == limit:
                    break
    result: dict[str, Any] = {
        "events": [{"logStreamName": e.stream, "timestamp": e.timestamp, "message": e.message,
                    "ingestionTime": e.ingestion, "eventId": f"{e.id:056d}"} for e in found],
        "searchedLogStreams": [{"logStreamName": s.name, "searchedCompletely": True}
                               for s in streams],
    }
    if len(found) == limit:
        result["nextToken"] = f"n/{after}"
    return result


def _terms(pattern: str) -> list[str]:
    try:
        return [t for t in shlex.split(pattern) if t]
    except ValueError:
        return pattern.split()


def _group_from_arn(identifier: str | None) -> str:
    if not identifier:
        raise InvalidParameterException("Either logGroupName or logGroupIdentifier is required.")
    if identifier.startswith("arn:"):
        return identifier.split(":log-group:", 1)[-1].removesuffix(":*")
    return identifier


OPERATIONS = {
    "DescribeLogGroups": describe_log_groups,
    "DescribeLogStreams": describe_log_streams,
    "FilterLogEvents": filter_log_events,
    "GetLogEvents": get_log_events,
}
