"""`headwater logs FUNCTION [--follow]`: print a function's log events from a running server
through the CloudWatch Logs API (FilterLogEvents), as `aws logs tail` does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 1.0


def group_name(function: str) -> str:
    """The default log group of a function named by name or ARN (a qualifier is ignored)."""
    if function.startswith("arn:"):
        function = function.split(":function:", 1)[1]
    return f"/aws/lambda/{function.split(':', 1)[0]}"


def function_log_group(lambda_client: Any, function: str) -> str:
    """The function's log group: its LoggingConfig's, else the default one (a function that
    does not exist any more may still have logs there)."""
    try:
        config = lambda_client.get_function_configuration(FunctionName=function)
    except lambda_client.exceptions.ResourceNotFoundException:
        return group_name(function)
    return str(config.get("LoggingConfig", {}).get("LogGroup") or group_name(function))


def tail(client: Any, group: str, follow: bool, since_ms: int | None,
         emit: Callable[[str], None], sleep: Callable[[float], None] = time.sleep) -> None:
    seen: set[str] = set()
    start = since_ms
    while True:
        kwargs: dict[str, Any] = {"logGroupName": group}
        if start is not None:
            kwargs["startTime"] = start
        try:
            pages = client.get_paginator("filter_log_events").paginate(**kwargs)
            for page in pages:
                for event in page["events"]:
                    if event["eventId"] in seen:
                        continue
                    seen.add(event["eventId"])
                    start = max(start or 0, event["timestamp"])
                    moment = time.gmtime(event["timestamp"] / 1000)
                    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", moment)
                    emit(f"{stamp} {event['logStreamName']} {event['message']}")
        except client.exceptions.ResourceNotFoundException:
            if not follow:
                raise
        if not follow:
            return
        sleep(POLL_SECONDS)
