"""Helpers of the CloudFormation tests: waiting for a stack to settle, its events, and
`Stacks`, which makes uniquely named stacks and remembers them for clean-up."""

from __future__ import annotations

import time
import uuid
from typing import Any

SETTLE_TIMEOUT = 60.0


def settle(cfn: Any, stack: str) -> dict[str, Any]:
    """The stack once no operation runs on it (polled: deployments run in the server)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        found: dict[str, Any] = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        if not found["StackStatus"].endswith("_IN_PROGRESS") \
                or found["StackStatus"] == "REVIEW_IN_PROGRESS":
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.02)


def events(cfn: Any, stack: str) -> list[tuple[str, str, str]]:
    """(logical id, status, reason) of each event, oldest first."""
    found = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
            for e in reversed(found)]


class Stacks:
    def __init__(self, cfn: Any) -> None:
        self.cfn = cfn
        self.made: list[str] = []

    def name(self) -> str:
        return f"s-{uuid.uuid4().hex[:10]}"

    def create(self, template: str, name: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """CreateStack and wait: the settled stack description (its StackId first)."""
        name = name or self.name()
        kwargs.setdefault("Capabilities", ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                                           "CAPABILITY_AUTO_EXPAND"])
        stack_id = self.cfn.create_stack(StackName=name, TemplateBody=template,
                                         **kwargs)["StackId"]
        self.made.append(stack_id)
        return settle(self.cfn, stack_id)

    def update(self, stack: str, template: str, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("Capabilities", ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                                           "CAPABILITY_AUTO_EXPAND"])
        self.cfn.update_stack(StackName=stack, TemplateBody=template, **kwargs)
        return settle(self.cfn, stack)

    def delete(self, stack: str) -> dict[str, Any]:
        stack_id = self.cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackId"]
        self.cfn.delete_stack(StackName=stack_id)
        return settle(self.cfn, stack_id)

    def outputs(self, stack: dict[str, Any]) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def resources(self, stack: str) -> dict[str, dict[str, Any]]:
        found = self.cfn.describe_stack_resources(StackName=stack)["StackResources"]
        return {r["LogicalResourceId"]: r for r in found}

    def physical(self, stack: str, logical: str) -> str:
        return str(self.resources(stack)[logical]["PhysicalResourceId"])

def failures(cfn: Any, stack: str) -> list[tuple[str, str, str]]:
    """The failed events of a stack (for assertion messages)."""
    return [event for event in events(cfn, stack) if "FAILED" in event[1]]
