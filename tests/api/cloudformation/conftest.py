"""CloudFormation fixtures: a client on the session server, and `stacks`, which creates
uniquely named stacks, waits for them to settle and deletes what is left afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from server_support import session_client

cfn = session_client("cfn", "cloudformation")

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


@pytest.fixture
def stacks(cfn: Any) -> Iterator[Stacks]:
    made = Stacks(cfn)
    yield made
    for stack_id in reversed(made.made):
        status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
        if status["StackStatus"] == "DELETE_COMPLETE":
            continue
        if status.get("EnableTerminationProtection"):
            cfn.update_termination_protection(StackName=stack_id,
                                              EnableTerminationProtection=False)
        settle(cfn, stack_id)
        cfn.delete_stack(StackName=stack_id)
        settle(cfn, stack_id)
