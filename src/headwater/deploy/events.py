"""Stack events as they happen, oldest first, one line each with a progress count, until the
stack settles (DescribeStackEvents polled; each call returns the newest events first)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

POLL = 0.1  # seconds between looks: a local stack settles in well under a second or two
HEADER = f"{'ResourceStatus':<28} {'ResourceType':<36} {'LogicalResourceId':<28} Reason"


def settled(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS")


def current_status(cfn: Any, stack: str) -> str | None:
    """The stack's status, or None when there is none."""
    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if "does not exist" in (error.response["Error"].get("Message") or ""):
            return None
        raise
    return str(stacks[0]["StackStatus"]) if stacks else None


def seen_events(cfn: Any, stack: str) -> set[str]:
    """The ids of the events a stack already has (so following shows only new ones)."""
    try:
        pages = cfn.get_paginator("describe_stack_events").paginate(StackName=stack)
        return {event["EventId"] for page in pages for event in page["StackEvents"]}
    except ClientError:
        return set()


class EventFollower:
    def __init__(self, cfn: Any, stack: str, seen: set[str], total: int,
                 echo: Callable[[str], None]) -> None:
        self.cfn = cfn
        self.stack = stack
        self.seen = seen
        self.total = total  # resources the operation touches (0: unknown)
        self.echo = echo
        self.finished: set[str] = set()
        self.failures: list[str] = []

    def follow(self, timeout: float) -> str:
        """Print new events until the stack settles; its final status ("DELETE_COMPLETE" when
        the stack is gone)."""
        self.echo(HEADER)
        deadline = time.monotonic() + timeout
        while True:
            status = current_status(self.cfn, self.stack)
            self._print_new()
            if status is None:
                return "DELETE_COMPLETE"
            if settled(status):
                return status
            if time.monotonic() > deadline:
                return status
            time.sleep(POLL)

    def _print_new(self) -> None:
        fresh: list[dict[str, Any]] = []
        try:
            for page in self.cfn.get_paginator("describe_stack_events").paginate(
                    StackName=self.stack):
                new = [event for event in page["StackEvents"] if event["EventId"] not in self.seen]
                fresh.extend(new)
                if len(new) < len(page["StackEvents"]):
                    break
        except ClientError:
            return  # the stack is gone
        for event in reversed(fresh):
            self.seen.add(event["EventId"])
            self.echo(self._line(event))

    def _line(self, event: dict[str, Any]) -> str:
        status = event.get("ResourceStatus", "")
        logical = event.get("LogicalResourceId", "")
        kind = event.get("ResourceType", "")
        reason = event.get("ResourceStatusReason") or "-"
        if kind != "AWS::CloudFormation::Stack" and settled(status):
            self.finished.add(logical)
        if status.endswith("_FAILED"):
            self.failures.append(f"{logical}: {reason}")
        progress = f"[{len(self.finished)}/{self.total}] " if self.total else ""
        return f"{progress}{status:<28} {kind:<36} {logical:<28} {reason}"
