"""Creating or updating a stack through a change set, as `aws cloudformation deploy` does, and
deleting one; both follow the stack's events until it settles."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from headwater.deploy.events import POLL, EventFollower, current_status, seen_events

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
# What CloudFormation says when a change set would change nothing.
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
SUCCESS = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}


class DeployFailed(Exception):
    """The stack did not reach its goal; the message says why (the failed resources)."""


@dataclass
class Outcome:
    status: str
    changed: bool
    seconds: float
    outputs: list[dict[str, Any]]


def parameters(cfn: Any, stack: str, template: dict[str, Any], overrides: dict[str, str],
               updating: bool) -> list[dict[str, Any]]:
    """Overrides as given; on an update, the template's other parameters keep the values the
    stack has (UsePreviousValue), as `aws cloudformation deploy` does."""
    chosen: list[dict[str, Any]] = [{"ParameterKey": key, "ParameterValue": value}
                                    for key, value in overrides.items()]
    if updating:
        existing = {p["ParameterKey"] for p in
                    cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])}
        for key in template.get("Parameters") or {}:
            if key not in overrides and key in existing:
                chosen.append({"ParameterKey": key, "UsePreviousValue": True})
    return chosen


def deploy(cfn: Any, stack: str, body: str, template: dict[str, Any], overrides: dict[str, str],
           echo: Callable[[str], None], timeout: float = 600.0) -> Outcome:
    started = time.monotonic()
    status = current_status(cfn, stack)
    updating = status is not None and status != "REVIEW_IN_PROGRESS"
    if status == "ROLLBACK_COMPLETE":
        raise DeployFailed(f"Stack {stack} is in ROLLBACK_COMPLETE state and can not be "
                           "updated: delete it first (headwater deploy --delete)")
    name = f"headwater-deploy-{int(time.time() * 1000)}"
    created = cfn.create_change_set(
        StackName=stack, ChangeSetName=name, TemplateBody=body, Capabilities=CAPABILITIES,
        ChangeSetType="UPDATE" if updating else "CREATE",
        Parameters=parameters(cfn, stack, template, overrides, updating))
    change_set = _wait_for_change_set(cfn, created["Id"], timeout)
    if change_set["Status"] == "FAILED":
        reason = change_set.get("StatusReason") or ""
        if any(text in reason for text in NO_CHANGES):
            cfn.delete_change_set(ChangeSetName=created["Id"])
            return Outcome(status or "", False, time.monotonic() - started, _outputs(cfn, stack))
        raise DeployFailed(f"the change set failed: {reason}")
    seen = seen_events(cfn, stack)
    cfn.execute_change_set(ChangeSetName=created["Id"])
    follower = EventFollower(cfn, stack, seen, len(change_set.get("Changes", [])), echo)
    final = follower.follow(timeout)
    seconds = time.monotonic() - started
    if final not in SUCCESS:
        why = "; ".join(follower.failures) or final
        raise DeployFailed(f"stack {stack} ended {final}: {why}")
    return Outcome(final, True, seconds, _outputs(cfn, stack))


def delete(cfn: Any, stack: str, echo: Callable[[str], None], timeout: float = 600.0) -> Outcome:
    started = time.monotonic()
    if current_status(cfn, stack) is None:
        raise DeployFailed(f"Stack with id {stack} does not exist")
    seen = seen_events(cfn, stack)
    cfn.delete_stack(StackName=stack)
    follower = EventFollower(cfn, stack, seen, 0, echo)
    final = follower.follow(timeout)
    if final != "DELETE_COMPLETE":
        why = "; ".join(follower.failures) or final
        raise DeployFailed(f"stack {stack} ended {final}: {why}")
    return Outcome(final, True, time.monotonic() - started, [])


def _wait_for_change_set(cfn: Any, change_set: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = cfn.describe_change_set(ChangeSetName=change_set)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE"):
            return described
        if time.monotonic() > deadline:
            raise DeployFailed(f"the change set is still {described['Status']} after "
                               f"{timeout:.0f} s")
        time.sleep(POLL)


def _outputs(cfn: Any, stack: str) -> list[dict[str, Any]]:
    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError:
        return []
    return list(stacks[0].get("Outputs", [])) if stacks else []
